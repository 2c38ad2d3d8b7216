"""Community health after CHAOSS: diversity, Elephant Factor, Contributor Absence Factor,
new and inactive contributors."""

from __future__ import annotations

from scoring.health import (
    HealthRules,
    MonthActivity,
    contributor_absence_factor,
    elephant_factor,
    health_series,
    inactive_contributors,
    months_needed,
    new_contributors,
    organisational_diversity,
)
from scoring.months import Month

OCT = Month(2026, 10)


def test_one_organisation_making_most_contributions_gives_an_elephant_factor_of_one() -> None:
    assert elephant_factor({"acme": 60, "beta": 30, "gamma": 10}) == 1


def test_the_elephant_factor_counts_organisations_until_half_is_reached() -> None:
    # 40 of 100 is not half; 40 + 30 is.
    assert elephant_factor({"acme": 40, "beta": 30, "gamma": 20, "delta": 10}) == 2


def test_exactly_half_is_enough() -> None:
    assert elephant_factor({"acme": 50, "beta": 50}) == 1
    assert contributor_absence_factor({1: 5, 2: 5}) == 1


def test_evenly_spread_contributions_need_half_of_the_people() -> None:
    assert contributor_absence_factor({i: 3 for i in range(1, 11)}) == 5


def test_a_month_without_contributions_has_factors_of_zero() -> None:
    assert elephant_factor({}) == 0
    assert contributor_absence_factor({}) == 0
    assert organisational_diversity({}, 0).organisations == 0


def test_diversity_gives_the_largest_share_and_the_independents_share() -> None:
    diversity = organisational_diversity({"acme": 6, "beta": 2, "gone": 0}, independent=2)
    assert diversity.organisations == 2
    assert diversity.top_share == 0.6
    assert diversity.independent_share == 0.2


def test_new_contributors_are_those_whose_first_contribution_is_in_the_month() -> None:
    first = {1: OCT, 2: Month(2026, 9), 3: OCT}
    assert new_contributors(first, OCT) == 2
    assert new_contributors(first, Month(2026, 11)) == 0


def test_someone_quiet_for_three_months_after_contributing_before_is_inactive() -> None:
    rules = HealthRules(quiet_months=3, lookback_months=12)
    active = {
        1: [Month(2026, 7)],  # last seen July: quiet Aug, Sep, Oct -> inactive in October
        2: [Month(2026, 8)],  # seen in August: inside the quiet window, not inactive
        3: [Month(2025, 6)],  # seen long before the look-back: no longer counted
    }
    assert inactive_contributors(active, OCT, rules) == 1
    assert inactive_contributors(active, Month(2026, 9), rules) == 0


def test_the_series_reads_activity_before_the_first_month_shown() -> None:
    months = [Month(2026, 10)]
    first, last = months_needed(months, HealthRules())
    assert (first, last) == (Month(2025, 8), OCT)
    activity = [
        MonthActivity(Month(2026, 6), {1: 2}, {"acme": 2}),
        MonthActivity(OCT, {2: 3, 3: 1}, {"beta": 3}, independent=1),
    ]
    (point,) = health_series(months, activity, {1: Month(2026, 6), 2: OCT, 3: OCT})
    assert point.contributions == 4
    assert point.contributors == 2
    assert point.organisations == 1
    assert point.elephant_factor == 1
    assert point.contributor_absence_factor == 1
    assert point.new_contributors == 2
    assert point.inactive_contributors == 1
    assert point.independent_share == 0.25


def test_a_month_missing_from_the_activity_counts_as_empty() -> None:
    (point,) = health_series([Month(2024, 2)], [], {})
    assert point.contributions == 0
    assert point.elephant_factor == 0
