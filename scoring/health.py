"""Community health over months, after the CHAOSS metrics (chaoss.community).

A *contribution* is one live credit; it counts for the organisation it was attributed
to on its day, or for no organisation (an independent contributor).

- **Organisational diversity**: how many organisations contributed, the share of the
  largest one and the share of independent contributors.
- **Elephant Factor**: the fewest organisations whose contributions together make at
  least half of all contributions counted for organisations (independents are no
  organisation, so they are left out; their share is shown by the diversity).
- **Contributor Absence Factor**: the fewest people whose contributions together make
  at least half of all contributions.
- **New contributors**: people whose first contribution ever falls in the month.
- **Inactive contributors**: people who contributed in the ``lookback_months`` before
  the quiet window but not in the ``quiet_months`` ending with the month.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from scoring.months import Month


@dataclass(frozen=True)
class HealthRules:
    """How long a contributor stays quiet before counting as inactive, and how far back
    an earlier contribution is looked for."""

    quiet_months: int = 3
    lookback_months: int = 12


@dataclass(frozen=True)
class MonthActivity:
    """One month's contributions: per person, and per organisation they counted for."""

    month: Month
    by_member: Mapping[int, int] = field(default_factory=dict)
    by_organisation: Mapping[str, int] = field(default_factory=dict)
    independent: int = 0

    @property
    def contributions(self) -> int:
        return sum(self.by_member.values())


@dataclass(frozen=True)
class Diversity:
    organisations: int
    top_share: float
    independent_share: float


@dataclass(frozen=True)
class HealthPoint:
    """The health figures of one month."""

    month: Month
    contributions: int
    contributors: int
    organisations: int
    top_organisation_share: float
    independent_share: float
    elephant_factor: int
    contributor_absence_factor: int
    new_contributors: int
    inactive_contributors: int


def _fewest_making_half(counts: Iterable[int]) -> int:
    values = sorted((c for c in counts if c > 0), reverse=True)
    total = sum(values)
    if total == 0:
        return 0
    running = 0
    for index, value in enumerate(values, start=1):
        running += value
        if 2 * running >= total:
            return index
    return len(values)  # pragma: no cover - the loop always reaches half


def elephant_factor(by_organisation: Mapping[str, int]) -> int:
    """The fewest organisations making at least half of the organisations' contributions
    (0 when no organisation contributed)."""
    return _fewest_making_half(by_organisation.values())


def contributor_absence_factor(by_member: Mapping[int, int]) -> int:
    """The fewest people making at least half of all contributions (0 when nobody did)."""
    return _fewest_making_half(by_member.values())


def organisational_diversity(by_organisation: Mapping[str, int], independent: int) -> Diversity:
    """How many organisations contributed, the largest one's share of all contributions
    and the independents' share (shares from 0 to 1; 0 when nothing was contributed)."""
    affiliated = {slug: c for slug, c in by_organisation.items() if c > 0}
    total = sum(affiliated.values()) + max(independent, 0)
    if total == 0:
        return Diversity(0, 0.0, 0.0)
    top = max(affiliated.values(), default=0)
    return Diversity(len(affiliated), top / total, max(independent, 0) / total)


def new_contributors(first_contribution: Mapping[int, Month], month: Month) -> int:
    """People whose first contribution ever falls in ``month``."""
    return sum(1 for first in first_contribution.values() if first == month)


def inactive_contributors(
    active_months: Mapping[int, Iterable[Month]], month: Month, rules: HealthRules
) -> int:
    """People with a contribution in the ``lookback_months`` before the quiet window and
    none in the ``quiet_months`` ending with ``month``."""
    return _inactive(_month_numbers(active_months), month, rules)


def _number(month: Month) -> int:
    return month.year * 12 + month.month - 1


def _month_numbers(active_months: Mapping[int, Iterable[Month]]) -> list[list[int]]:
    """Each person's active months as sorted month numbers (compared as integers)."""
    return [sorted({_number(m) for m in months}) for months in active_months.values()]


def _inactive(numbers: list[list[int]], month: Month, rules: HealthRules) -> int:
    end = _number(month)
    quiet_start = end - (rules.quiet_months - 1)
    look_start = quiet_start - rules.lookback_months
    count = 0
    for seen in numbers:
        at = bisect_left(seen, look_start)  # the first active month in the windows
        if at < len(seen) and seen[at] < quiet_start:  # active before the quiet window
            during = bisect_left(seen, quiet_start, at)
            if during == len(seen) or seen[during] > end:  # and not during it
                count += 1
    return count


def months_needed(months: Sequence[Month], rules: HealthRules) -> tuple[Month, Month]:
    """The first and last month of activity that :func:`health_series` needs."""
    first, last = min(months), max(months)
    return first.shift(-(rules.quiet_months - 1 + rules.lookback_months)), last


def health_series(
    months: Sequence[Month],
    activity: Iterable[MonthActivity],
    first_contribution: Mapping[int, Month],
    rules: HealthRules | None = None,
) -> tuple[HealthPoint, ...]:
    """The health figures of each of ``months`` (in the order given).

    ``activity`` must cover :func:`months_needed` (a month missing from it had no
    contribution); ``first_contribution`` is each person's first month ever.
    """
    rules = rules or HealthRules()
    by_month = {a.month: a for a in activity}
    active: dict[int, list[Month]] = {}
    for a in by_month.values():
        for member, count in a.by_member.items():
            if count > 0:
                active.setdefault(member, []).append(a.month)
    numbers = _month_numbers(active)
    points: list[HealthPoint] = []
    for month in months:
        a = by_month.get(month) or MonthActivity(month)
        diversity = organisational_diversity(a.by_organisation, a.independent)
        points.append(
            HealthPoint(
                month=month,
                contributions=a.contributions,
                contributors=sum(1 for c in a.by_member.values() if c > 0),
                organisations=diversity.organisations,
                top_organisation_share=diversity.top_share,
                independent_share=diversity.independent_share,
                elephant_factor=elephant_factor(a.by_organisation),
                contributor_absence_factor=contributor_absence_factor(a.by_member),
                new_contributors=new_contributors(first_contribution, month),
                inactive_contributors=_inactive(numbers, month, rules),
            )
        )
    return tuple(points)
