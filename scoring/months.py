"""Calendar months in the programme's timezone."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from scoring.errors import InvalidMonth

_MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


@dataclass(frozen=True, order=True)
class Month:
    """A calendar month, e.g. ``Month(2026, 10)``; ``str()`` gives ``2026-10``."""

    year: int
    month: int

    def __post_init__(self) -> None:
        if not 1 <= self.month <= 12 or not 1 <= self.year <= 9999:
            raise InvalidMonth(f"{self.year:04d}-{self.month:02d}")

    @classmethod
    def parse(cls, text: str) -> Month:
        """Parse ``YYYY-MM``; anything else raises :class:`InvalidMonth`."""
        match = _MONTH_RE.match(text.strip())
        if not match:
            raise InvalidMonth(text)
        year, month = int(match.group(1)), int(match.group(2))
        if not 1 <= month <= 12 or year < 1:
            raise InvalidMonth(text)
        return cls(year, month)

    @classmethod
    def of(cls, day: date) -> Month:
        """The month a calendar day falls in."""
        return cls(day.year, day.month)

    def __str__(self) -> str:
        return f"{self.year:04d}-{self.month:02d}"

    def next(self) -> Month:
        return Month(self.year + 1, 1) if self.month == 12 else Month(self.year, self.month + 1)

    def previous(self) -> Month:
        return Month(self.year - 1, 12) if self.month == 1 else Month(self.year, self.month - 1)

    def shift(self, months: int) -> Month:
        index = self.year * 12 + (self.month - 1) + months
        return Month(index // 12, index % 12 + 1)

    def first_day(self) -> date:
        return date(self.year, self.month, 1)

    def last_day(self) -> date:
        return self.next().first_day() - timedelta(days=1)

    def bounds(self, tz: ZoneInfo) -> tuple[datetime, datetime]:
        """The month as a half-open UTC interval ``[start, end)``, cut in ``tz``."""
        start = datetime.combine(self.first_day(), time(), tzinfo=tz)
        end = datetime.combine(self.next().first_day(), time(), tzinfo=tz)
        return start.astimezone(UTC), end.astimezone(UTC)

    def label(self) -> str:
        """``October 2026``."""
        return self.first_day().strftime("%B %Y")


def month_of(moment: datetime, tz: ZoneInfo) -> Month:
    """The programme month an aware moment falls in."""
    return Month.of(local_date(moment, tz))


def local_date(moment: datetime, tz: ZoneInfo) -> date:
    """The calendar day of an aware moment in the programme's timezone."""
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(tz).date()


def months_between(first: Month, last: Month) -> list[Month]:
    """Every month from ``first`` to ``last`` inclusive (empty when ``last < first``)."""
    out: list[Month] = []
    current = first
    while current <= last:
        out.append(current)
        current = current.next()
    return out
