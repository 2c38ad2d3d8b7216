"""Partners by year: listed at any point in a year means recognised for that year."""

from __future__ import annotations

from scoring.months import Month
from scoring.recognition import ListingStep, listed_months, years_listed

NOW = Month(2026, 11)


def test_a_partner_never_evaluated_is_listed_this_year() -> None:
    assert years_listed([], None, True, NOW) == (2026,)


def test_a_partner_since_a_past_year_is_recognised_every_year_since() -> None:
    assert years_listed([], Month(2024, 11), True, NOW) == (2024, 2025, 2026)


def test_an_evaluation_sets_the_listing_from_the_next_month_on() -> None:
    steps = [ListingStep(Month(2025, 11), True), ListingStep(Month(2025, 12), False)]
    # Removed by December's evaluation: listed in December 2025, not in 2026.
    assert years_listed(steps, None, True, NOW) == (2025,)
    months = listed_months(steps, None, True, NOW)
    assert months == (Month(2025, 11), Month(2025, 12))


def test_a_partner_removed_and_back_is_recognised_again() -> None:
    steps = [
        ListingStep(Month(2024, 12), False),
        ListingStep(Month(2025, 12), False),
        ListingStep(Month(2026, 3), True),
    ]
    assert years_listed(steps, Month(2024, 6), True, NOW) == (2024, 2026)


def test_a_former_partner_keeps_the_years_it_was_listed() -> None:
    steps = [ListingStep(Month(2025, 5), True), ListingStep(Month(2025, 6), True)]
    assert years_listed(steps, None, False, NOW) == (2025,)


def test_a_former_partner_never_evaluated_is_not_known_to_have_been_listed() -> None:
    assert years_listed([], Month(2025, 1), False, NOW) == ()
