"""Who to nudge, who to welcome back, which organisations are slipping.

- a member who was active before and has done nothing for ``member_days`` gets one
  friendly nudge for that quiet spell, and never two within ``nudge_cooldown_days``;
- a member whose latest activity ends a gap of ``member_days`` or more gets a short
  welcome back, once per return, within ``welcome_back_days`` of coming back;
- an organisation whose points in a month fall by ``org_decline_ratio`` or more
  against its average of the three months before raises an alert.

Members who opted out (``/credit quiet``) get neither message. Days are calendar days
in the programme's timezone; activity after ``today`` is ignored.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date

from scoring.months import Month

DECLINE_BASELINE_MONTHS = 3


@dataclass(frozen=True)
class InactivityRules:
    member_days: int = 60
    nudge_cooldown_days: int = 90
    org_decline_ratio: float = 0.5
    welcome_back_days: int = 14


@dataclass(frozen=True)
class MemberActivity:
    """A member's active days (anything done, credits included) and what was sent."""

    member_id: int
    active_days: tuple[date, ...]
    opted_out: bool = False
    last_nudge: date | None = None
    last_welcome_back: date | None = None


@dataclass(frozen=True)
class Nudge:
    member_id: int
    last_active: date
    quiet_days: int


@dataclass(frozen=True)
class WelcomeBack:
    member_id: int
    returned_on: date
    away_days: int


@dataclass(frozen=True)
class Decline:
    slug: str
    month: Month
    points: int
    average: float

    @property
    def drop(self) -> float:
        """The fall against the average, from 0 to 1 (0.6: down 60%)."""
        return 1 - self.points / self.average if self.average else 0.0


def members_to_nudge(
    members: Iterable[MemberActivity], today: date, rules: InactivityRules
) -> list[Nudge]:
    """Members quiet for ``member_days`` who were not nudged for this spell nor recently."""
    out: list[Nudge] = []
    for m in members:
        days = _until(m.active_days, today)
        if m.opted_out or not days:
            continue
        last = days[-1]
        quiet = (today - last).days
        if quiet < rules.member_days:
            continue
        if m.last_nudge is not None and (
            m.last_nudge >= last or (today - m.last_nudge).days < rules.nudge_cooldown_days
        ):
            continue
        out.append(Nudge(m.member_id, last, quiet))
    return out


def members_to_welcome_back(
    members: Iterable[MemberActivity], today: date, rules: InactivityRules
) -> list[WelcomeBack]:
    """Members who came back after ``member_days`` or more and were not welcomed yet."""
    out: list[WelcomeBack] = []
    for m in members:
        if m.opted_out:
            continue
        back = returned_after_gap(_until(m.active_days, today), rules.member_days)
        if back is None:
            continue
        returned_on, away = back
        if (today - returned_on).days >= rules.welcome_back_days:
            continue
        if m.last_welcome_back is not None and m.last_welcome_back >= returned_on:
            continue
        out.append(WelcomeBack(m.member_id, returned_on, away))
    return out


def returned_after_gap(days: tuple[date, ...], gap_days: int) -> tuple[date, int] | None:
    """The first day of the latest return after ``gap_days`` or more, and the days away."""
    ordered = sorted(set(days))
    for index in range(len(ordered) - 1, 0, -1):
        away = (ordered[index] - ordered[index - 1]).days
        if away >= gap_days:
            return ordered[index], away
    return None


def declining_organisations(
    points: Mapping[str, Mapping[Month, int]], month: Month, rules: InactivityRules
) -> list[Decline]:
    """Organisations whose ``month`` fell by ``org_decline_ratio`` or more, by slug."""
    out: list[Decline] = []
    for slug in sorted(points):
        by_month = points[slug]
        baseline = [by_month.get(month.shift(-k), 0) for k in range(1, DECLINE_BASELINE_MONTHS + 1)]
        average = sum(baseline) / DECLINE_BASELINE_MONTHS
        if average <= 0:
            continue
        current = by_month.get(month, 0)
        if current <= average * (1 - rules.org_decline_ratio) + 1e-9:
            out.append(Decline(slug, month, current, round(average, 2)))
    return out


def _until(days: tuple[date, ...], today: date) -> tuple[date, ...]:
    return tuple(sorted({d for d in days if d <= today}))
