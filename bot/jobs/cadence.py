"""When a periodic job is due, as data: the periods it runs for and the moment each is due.

A *period* is the text a run is claimed under: ``YYYY-MM`` for a monthly job (the
month the run is about, e.g. October's shout-out is due on 1 November), ``YYYY-MM-DD``
for a daily one, ``YYYY`` for a yearly one. Periods sort as text. The same cadence
gives APScheduler its cron fields (:meth:`cron`) and the catch-up its missed periods
(:meth:`due_periods`), so the two never disagree.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput
from scoring.bounds import check_month_ends
from scoring.errors import InvalidMonth
from scoring.months import Month, local_date, month_of

_YEAR = re.compile(r"^\d{4}$")


class Cadence(Protocol):
    def due_at(self, period: str, tz: ZoneInfo) -> datetime:
        """The moment the run for ``period`` is due."""
        ...

    def latest_due(self, moment: datetime, tz: ZoneInfo) -> str:
        """The latest period whose run is due at ``moment``."""
        ...

    def current(self, moment: datetime, tz: ZoneInfo) -> str:
        """The period a run started by hand at ``moment`` is about, by default."""
        ...

    def previous(self, period: str) -> str: ...

    def next(self, period: str) -> str: ...

    def parse(self, text: str) -> str:
        """A period typed by a user, checked (``InvalidInput`` if it is not one)."""
        ...

    def cron(self) -> dict[str, Any]:
        """APScheduler ``CronTrigger`` fields (in the programme timezone)."""
        ...


@dataclass(frozen=True)
class Monthly:
    """Due on the 1st of the following month at ``hour`` (local), ``hours_before`` earlier.

    The run for October 2026 with ``hour=9`` is due on 1 November 2026 at 09:00;
    with ``hours_before=1`` at 08:00; with ``hour=0, hours_before=1`` on 31 October at 23:00.
    """

    hour: int = 9
    hours_before: int = 0

    def due_at(self, period: str, tz: ZoneInfo) -> datetime:
        first = Month.parse(period).next().first_day()
        return datetime.combine(first, time(self.hour), tzinfo=tz) - timedelta(
            hours=self.hours_before
        )

    def latest_due(self, moment: datetime, tz: ZoneInfo) -> str:
        candidate = Month.of(local_date(moment, tz))
        while self.due_at(str(candidate), tz) > moment:
            candidate = candidate.previous()
        return str(candidate)

    def current(self, moment: datetime, tz: ZoneInfo) -> str:
        """The month just ended (as it will be at the run's usual time)."""
        return str(month_of(moment + timedelta(hours=self.hours_before), tz).previous())

    def previous(self, period: str) -> str:
        return str(Month.parse(period).previous())

    def next(self, period: str) -> str:
        return str(Month.parse(period).next())

    def parse(self, text: str) -> str:
        try:
            month = Month.parse(text)
        except InvalidMonth:
            raise InvalidInput(f"'{text}' is not a month; expected YYYY-MM") from None
        return str(check_month_ends(month))  # a period is due after its end

    def cron(self) -> dict[str, Any]:
        shifted = self.hour - self.hours_before
        days_back, hour = divmod(shifted, 24)
        if days_back == 0:
            return {"day": 1, "hour": hour, "minute": 0}
        if days_back == -1:
            return {"day": "last", "hour": hour, "minute": 0}
        raise ValueError("a monthly job can be moved at most one day earlier")


@dataclass(frozen=True)
class Daily:
    """Due every day at ``hour`` (local); the period is that day."""

    hour: int = 10

    def due_at(self, period: str, tz: ZoneInfo) -> datetime:
        return datetime.combine(date.fromisoformat(period), time(self.hour), tzinfo=tz)

    def latest_due(self, moment: datetime, tz: ZoneInfo) -> str:
        day = local_date(moment, tz)
        if self.due_at(day.isoformat(), tz) > moment:
            day -= timedelta(days=1)
        return day.isoformat()

    def current(self, moment: datetime, tz: ZoneInfo) -> str:
        """The day of ``moment``."""
        return local_date(moment, tz).isoformat()

    def previous(self, period: str) -> str:
        return (date.fromisoformat(period) - timedelta(days=1)).isoformat()

    def next(self, period: str) -> str:
        return (date.fromisoformat(period) + timedelta(days=1)).isoformat()

    def parse(self, text: str) -> str:
        try:
            return date.fromisoformat(text.strip()).isoformat()
        except ValueError:
            raise InvalidInput(f"'{text}' is not a day; expected YYYY-MM-DD") from None

    def cron(self) -> dict[str, Any]:
        return {"hour": self.hour, "minute": 0}


@dataclass(frozen=True)
class Yearly:
    """Due once a year on ``month``-``day`` at ``hour`` (local); the period is the year."""

    month: int = 12
    day: int = 1
    hour: int = 9

    def due_at(self, period: str, tz: ZoneInfo) -> datetime:
        return datetime.combine(date(int(period), self.month, self.day), time(self.hour), tzinfo=tz)

    def latest_due(self, moment: datetime, tz: ZoneInfo) -> str:
        year = local_date(moment, tz).year
        if self.due_at(str(year), tz) > moment:
            year -= 1
        return f"{year:04d}"

    def current(self, moment: datetime, tz: ZoneInfo) -> str:
        """The year of ``moment`` (its cycle)."""
        return f"{local_date(moment, tz).year:04d}"

    def previous(self, period: str) -> str:
        return f"{int(period) - 1:04d}"

    def next(self, period: str) -> str:
        return f"{int(period) + 1:04d}"

    def parse(self, text: str) -> str:
        value = text.strip()
        if not _YEAR.match(value) or int(value) < 1:
            raise InvalidInput(f"'{text}' is not a year; expected YYYY")
        return value

    def cron(self) -> dict[str, Any]:
        return {"month": self.month, "day": self.day, "hour": self.hour, "minute": 0}


REVIEW_MONTHS = (1, 7)


@dataclass(frozen=True)
class HalfYearly:
    """Due on 1 January and 1 July at ``hour`` (local); the period is that month."""

    hour: int = 10

    def due_at(self, period: str, tz: ZoneInfo) -> datetime:
        return datetime.combine(Month.parse(period).first_day(), time(self.hour), tzinfo=tz)

    def latest_due(self, moment: datetime, tz: ZoneInfo) -> str:
        candidate = self._at_or_before(Month.of(local_date(moment, tz)))
        while self.due_at(str(candidate), tz) > moment:
            candidate = self._at_or_before(candidate.previous())
        return str(candidate)

    def current(self, moment: datetime, tz: ZoneInfo) -> str:
        return self.latest_due(moment, tz)

    def previous(self, period: str) -> str:
        return str(Month.parse(period).shift(-6))

    def next(self, period: str) -> str:
        return str(Month.parse(period).shift(6))

    def parse(self, text: str) -> str:
        try:
            month = Month.parse(text)
        except InvalidMonth:
            month = None
        if month is None or month.month not in REVIEW_MONTHS:
            raise InvalidInput(f"'{text}' is not a review month; expected YYYY-01 or YYYY-07")
        return str(month)

    def cron(self) -> dict[str, Any]:
        return {"month": "1,7", "day": 1, "hour": self.hour, "minute": 0}

    @staticmethod
    def _at_or_before(month: Month) -> Month:
        while month.month not in REVIEW_MONTHS:
            month = month.previous()
        return month


def due_periods(
    cadence: Cadence,
    last_done: str | None,
    moment: datetime,
    tz: ZoneInfo,
    limit: int,
    first_run_grace: timedelta = timedelta(days=1),
) -> list[str]:
    """The periods due at ``moment`` and not done yet, oldest first, at most ``limit``.

    Everything after ``last_done`` up to the latest due period. With nothing ever done (a
    new installation), only the latest period, and only if it fell due within
    ``first_run_grace``: starting the bot mid-month does not post last month's shout-out.
    """
    latest = cadence.latest_due(moment, tz)
    if last_done is None:
        fresh = moment - cadence.due_at(latest, tz) <= first_run_grace
        return [latest] if fresh else []
    periods = [latest]
    while len(periods) < limit:
        earlier = cadence.previous(periods[0])
        if earlier <= last_done:
            break
        periods.insert(0, earlier)
    return [p for p in periods if p > last_done]
