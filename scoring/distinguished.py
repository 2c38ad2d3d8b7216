"""The Distinguished Contributor programme's rules: cycles, the panel's tally, terms.

(Over 300 lines: the programme's rules (cycle dates, the tally, terms) are read together
by its use cases and tests.)

Pure: dates and moments arrive as arguments, rules as :class:`ProgrammeRules`.

- A *cycle* is a calendar year: nominations are open from ``opens`` to ``closes``
  (both whole days, in the programme timezone), votes until ``decides`` at 00:00;
  the outcome is recorded on ``decides``.
- The *tally* needs a quorum (a share of the panel's seats that voted, abstentions
  included) and a majority (approvals must be more than ``majority`` of the approve
  and decline votes; abstentions do not count there).
- A *term* lasts ``term_years``; at its end it is renewed when the member earned
  ``renewal_points`` in the track over the last 12 months, becomes lifetime after
  ``lifetime_after_years`` consecutive years, and otherwise expires.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime, time, tzinfo
from fractions import Fraction
from typing import Literal

Vote = Literal["approve", "decline", "abstain"]
VOTES: tuple[Vote, ...] = ("approve", "decline", "abstain")
Outcome = Literal["approved", "declined", "no_quorum"]
TermOutcome = Literal["renewed", "expired", "lifetime"]
NomineeKind = Literal["member", "organisation"]


@dataclass(frozen=True)
class Track:
    """One track: its key (``engineer``), its name, who can be nominated, what counts."""

    key: str
    name: str
    nominee: NomineeKind = "member"
    types: tuple[str, ...] = ()
    """The contribution types that count in the track; empty: every type."""
    renewal_points: int = 30

    def counts(self, contribution_type: str) -> bool:
        """Whether a credit of this type counts towards the track."""
        return not self.types or contribution_type in self.types


@dataclass(frozen=True)
class ProgrammeRules:
    """The programme's calendar and thresholds. Month-days are ``(month, day)`` pairs."""

    opens: tuple[int, int] = (9, 1)
    closes: tuple[int, int] = (10, 31)
    decides: tuple[int, int] = (12, 1)
    quorum: float = 0.5
    majority: float = 0.5
    term_years: int = 2
    lifetime_after_years: int = 4
    reminder_months_before: int = 3
    tracks: tuple[Track, ...] = field(default_factory=tuple)

    def track(self, key: str) -> Track | None:
        """The track with that key, or None."""
        return next((t for t in self.tracks if t.key == key), None)


@dataclass(frozen=True)
class Cycle:
    """One year's nomination window ``[opens, closes]`` and its decision day."""

    year: int
    opens: date
    closes: date
    decides: date

    def accepts_nominations(self, day: date) -> bool:
        """Whether ``day`` (a local calendar day) is inside the window, ends included."""
        return self.opens <= day <= self.closes

    def voting_closes_at(self, tz: tzinfo) -> datetime:
        """The moment votes stop being accepted: 00:00 on the decision day in ``tz``."""
        return datetime.combine(self.decides, time(), tzinfo=tz)


def cycle_for(day: date, rules: ProgrammeRules) -> Cycle:
    """The cycle of ``day``'s calendar year."""
    return cycle_of_year(day.year, rules)


def cycle_of_year(year: int, rules: ProgrammeRules) -> Cycle:
    """The cycle of ``year``."""
    return Cycle(
        year=year,
        opens=date(year, *rules.opens),
        closes=date(year, *rules.closes),
        decides=date(year, *rules.decides),
    )


def local_day(moment: datetime, tz: tzinfo) -> date:
    """The calendar day of an aware moment in ``tz``."""
    return moment.astimezone(tz).date()


@dataclass(frozen=True)
class Tally:
    """The panel's votes on one nomination, counted (never who voted how)."""

    approve: int
    decline: int
    abstain: int
    seats: int
    quorum_reached: bool
    outcome: Outcome

    @property
    def cast(self) -> int:
        """How many seats voted (abstentions included)."""
        return self.approve + self.decline + self.abstain

    def as_dict(self) -> dict[str, int | bool | str]:
        """The tally as stored and shown to administrators."""
        return {
            "approve": self.approve,
            "decline": self.decline,
            "abstain": self.abstain,
            "seats": self.seats,
            "quorum_reached": self.quorum_reached,
            "outcome": self.outcome,
        }


def _exact(share: float) -> Fraction:
    # Fraction(str(0.1)) is exactly 1/10, Fraction(0.1) is not: thresholds are decimals.
    return Fraction(str(share))


def tally(votes: Iterable[Vote], seats: int, quorum: float, majority: float) -> Tally:
    """Count ``votes`` (one per seat) against the quorum and the majority.

    The quorum is reached when ``cast / seats >= quorum`` (abstentions count as cast);
    the nomination is approved when ``approve / (approve + decline) > majority``; with
    no approve or decline vote it is declined. No seats: never a quorum.
    """
    counts = {"approve": 0, "decline": 0, "abstain": 0}
    for vote in votes:
        if vote not in counts:
            raise ValueError(f"unknown vote {vote!r}")
        counts[vote] += 1
    approve, decline, abstain = counts["approve"], counts["decline"], counts["abstain"]
    cast = approve + decline + abstain
    reached = seats > 0 and Fraction(cast, seats) >= _exact(quorum)
    outcome: Outcome
    if not reached:
        outcome = "no_quorum"
    elif approve + decline and Fraction(approve, approve + decline) > _exact(majority):
        outcome = "approved"
    else:
        outcome = "declined"
    return Tally(approve, decline, abstain, seats, reached, outcome)


# -- terms ------------------------------------------------------------------------------


def add_years(day: date, years: int) -> date:
    """``day`` moved by whole years; 29 February becomes 28 February in other years."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def add_months(day: date, months: int) -> date:
    """``day`` moved by whole months (negative: back), clamped to the month's last day."""
    index = day.year * 12 + (day.month - 1) + months
    year, month = index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def whole_years(start: date, end: date) -> int:
    """Completed years from ``start`` to ``end`` (0 when ``end`` is before ``start``)."""
    years = end.year - start.year - ((end.month, end.day) < (start.month, start.day))
    return max(years, 0)


def term_end(started: date, rules: ProgrammeRules) -> date:
    """The day a term started on ``started`` ends."""
    return add_years(started, rules.term_years)


def renewal_window(ends: date) -> tuple[date, date]:
    """The days whose credits decide a renewal at ``ends``: ``[ends - 1 year, ends)``."""
    return add_years(ends, -1), ends


@dataclass(frozen=True)
class TermDecision:
    """What happens to a membership at its end date ``ends``.

    ``new_ends``: the next end date when renewed, None for lifetime, ``ends`` when expired.
    """

    outcome: TermOutcome
    ends: date
    new_ends: date | None
    points: int
    threshold: int
    consecutive_years: int


def decide_term(
    *, first_started: date, ends: date, points: int, threshold: int, rules: ProgrammeRules
) -> TermDecision:
    """Renew, expire or make lifetime a membership whose term ends on ``ends``.

    ``first_started`` is the start of the unbroken run of terms; ``points`` the member's
    points in the track over :func:`renewal_window`. Completing ``lifetime_after_years``
    consecutive years makes the membership lifetime (without a points test); otherwise
    ``points >= threshold`` renews it for another term, and anything less ends it.
    """
    years = whole_years(first_started, ends)
    if years >= rules.lifetime_after_years:
        return TermDecision("lifetime", ends, None, points, threshold, years)
    if points >= threshold:
        return TermDecision(
            "renewed", ends, add_years(ends, rules.term_years), points, threshold, years
        )
    return TermDecision("expired", ends, ends, points, threshold, years)


def reminder_day(ends: date, months_before: int) -> date:
    """The first day a reminder about a term ending on ``ends`` is due."""
    return add_months(ends, -months_before)


def reminder_due(term_end: date, today: date, months_before: int) -> bool:
    """Whether a member whose term ends on ``term_end`` should be reminded on ``today``.

    From ``months_before`` months before the end (same day of the month, clamped) up to
    the day before it; the caller remembers that it was sent. ``months_before=0``: never.
    """
    if months_before <= 0:
        return False
    return reminder_day(term_end, months_before) <= today < term_end


# -- evidence ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    """One credit as the evidence sees it: its local day, type and points."""

    day: date
    type: str
    points: int


@dataclass(frozen=True)
class CreditHistory:
    """A nominee's credits over ``months`` months from ``start_month`` (``YYYY-MM``).

    ``by_month`` lists every month of the span (0 when quiet), oldest first;
    ``by_type`` every type with credits, most points first; ``track_points`` the points of
    the track's types.
    """

    start_month: str
    months: int
    by_type: tuple[tuple[str, int], ...]
    by_month: tuple[tuple[str, int], ...]
    total_points: int
    total_credits: int
    track_points: int
    track_types: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, object]:
        """The history as stored with a nomination (the panel's evidence)."""
        return {
            "start_month": self.start_month,
            "end_month": self.by_month[-1][0] if self.by_month else self.start_month,
            "months": self.months,
            "by_type": dict(self.by_type),
            "by_month": dict(self.by_month),
            "total_points": self.total_points,
            "total_credits": self.total_credits,
            "track_types": list(self.track_types),
            "track_points": self.track_points,
        }


def _month_key(year: int, month: int) -> str:
    return f"{year:04d}-{month:02d}"


def credit_history(
    credits: Iterable[Contribution],
    types: Iterable[str],
    start_month: date,
    months: int = 12,
) -> CreditHistory:
    """Sum ``credits`` by type and by month over ``months`` months from ``start_month``.

    ``start_month``: any day of the first month. ``types``: the track's types (empty:
    every type counts towards ``track_points``). Credits outside the span are ignored.
    """
    first = start_month.replace(day=1)
    keys = [_month_key(d.year, d.month) for d in (add_months(first, i) for i in range(months))]
    by_month = dict.fromkeys(keys, 0)
    by_type: dict[str, int] = {}
    wanted = tuple(types)
    total = count = track = 0
    for credit in credits:
        key = _month_key(credit.day.year, credit.day.month)
        if key not in by_month:
            continue
        by_month[key] += credit.points
        by_type[credit.type] = by_type.get(credit.type, 0) + credit.points
        total += credit.points
        count += 1
        if not wanted or credit.type in wanted:
            track += credit.points
    ordered = tuple(sorted(by_type.items(), key=lambda item: (-item[1], item[0])))
    return CreditHistory(
        start_month=keys[0] if keys else _month_key(first.year, first.month),
        months=months,
        by_type=ordered,
        by_month=tuple(by_month.items()),
        total_points=total,
        total_credits=count,
        track_points=track,
        track_types=wanted,
    )


def history_start(day: date, months: int = 12) -> date:
    """The first day of the ``months``-month span that ends with ``day``'s month."""
    return add_months(day.replace(day=1), -(months - 1))


def day_span(start: date, end: date, tz: tzinfo) -> tuple[datetime, datetime]:
    """Local days ``[start, end)`` as aware moments in ``tz`` (for queries in UTC)."""
    return (
        datetime.combine(start, time(), tzinfo=tz),
        datetime.combine(end, time(), tzinfo=tz),
    )
