"""Evaluating a partner's month: each commitment alone and together."""

from __future__ import annotations

from datetime import date

from scoring.months import Month
from scoring.standing import PartnerFacts, PartnerRules, Rule, evaluate_partner, window

OCT = Month(2026, 10)
WINDOW = (Month(2026, 8), Month(2026, 9), OCT)

# Only the practical rule, unless a test turns another one on.
PRACTICAL_ONLY = PartnerRules(financial_minimum_usd=0, conduct_window_months=0)


def facts(
    points: dict[Month, int] | None = None,
    *,
    employees: int | None = 40,
    country: str | None = "US",
    since: Month | None = None,
    payments: dict[Month, float] | None = None,
    conduct: tuple[date, ...] = (),
) -> PartnerFacts:
    return PartnerFacts(
        slug="acme",
        employees=employees,
        country=country,
        since=since,
        points=points if points is not None else dict.fromkeys(WINDOW, 10),
        payments_usd=payments if payments is not None else dict.fromkeys(WINDOW, 100.0),
        conduct_dates=conduct,
    )


def test_the_window_is_the_months_ending_with_the_evaluated_one() -> None:
    assert window(Month(2026, 2), 3) == (Month(2025, 12), Month(2026, 1), Month(2026, 2))


def test_a_large_partner_meeting_every_commitment_is_in_good_standing() -> None:
    result = evaluate_partner(facts(), OCT, PartnerRules())
    assert result.good_standing
    assert result.reasons == ()
    assert result.judged_months == (OCT,)


def test_a_large_partner_short_of_points_in_one_month_is_told_by_how_much() -> None:
    points = {Month(2026, 8): 12, Month(2026, 9): 10, OCT: 4}
    result = evaluate_partner(facts(points), OCT, PRACTICAL_ONLY)
    assert not result.good_standing
    assert result.reasons == ("practical: 2026-10 had 4 points of the 10 needed (6 short)",)


def test_a_short_month_before_the_evaluated_one_does_not_count_against_it() -> None:
    points = {Month(2026, 8): 12, Month(2026, 9): 4, OCT: 10}
    result = evaluate_partner(facts(points), OCT, PRACTICAL_ONLY)
    assert result.good_standing


def test_a_month_with_no_credit_at_all_falls_short_by_the_whole_minimum() -> None:
    result = evaluate_partner(facts({Month(2026, 8): 10}), OCT, PRACTICAL_ONLY)
    assert result.reasons == ("practical: 2026-10 had 0 points of the 10 needed (10 short)",)


def test_a_small_partner_is_held_to_points_per_employee() -> None:
    # 10 employees x 0.5 = 5 points a month, not the absolute 10.
    result = evaluate_partner(facts(dict.fromkeys(WINDOW, 5), employees=10), OCT, PRACTICAL_ONLY)
    assert result.good_standing
    assert result.minimum_points == 5


def test_a_small_partner_below_its_relative_minimum_falls_short() -> None:
    points = {Month(2026, 8): 5, Month(2026, 9): 5, OCT: 3}
    result = evaluate_partner(facts(points, employees=9), OCT, PRACTICAL_ONLY)
    assert result.reasons == ("practical: 2026-10 had 3 points of the 4.5 needed (1.5 short)",)


def test_a_partner_exactly_at_the_size_limit_counts_as_small() -> None:
    rules = PartnerRules(small_partner_employees=25, financial_minimum_usd=0)
    result = evaluate_partner(facts(dict.fromkeys(WINDOW, 13), employees=25), OCT, rules)
    assert result.minimum_points == 12.5
    assert result.good_standing


def test_a_partner_of_unknown_size_is_held_to_the_absolute_minimum() -> None:
    result = evaluate_partner(facts(dict.fromkeys(WINDOW, 6), employees=None), OCT, PRACTICAL_ONLY)
    assert result.minimum_points == 10
    assert not result.good_standing


def test_a_partner_is_judged_from_the_month_of_its_partner_since() -> None:
    result = evaluate_partner(
        facts({OCT: 10}, since=Month(2026, 10)), OCT, PartnerRules(conduct_window_months=0)
    )
    assert result.judged_months == (OCT,)
    assert result.good_standing


def test_a_partner_that_joins_after_the_month_has_nothing_to_answer_for() -> None:
    result = evaluate_partner(facts({}, since=Month(2026, 11)), OCT, PartnerRules())
    assert result.judged_months == ()
    assert result.good_standing


def test_a_partner_short_of_payments_is_told_the_amount_missing() -> None:
    payments = {Month(2026, 8): 100.0, Month(2026, 9): 100.0, OCT: 60.0}
    rules = PartnerRules(conduct_window_months=0)
    result = evaluate_partner(facts(payments=payments), OCT, rules)
    assert result.reasons == (
        "financial: 2026-10 had $60.00 in payments of the $100.00 needed ($40.00 short)",
    )


def test_a_zero_financial_minimum_turns_the_financial_rule_off() -> None:
    result = evaluate_partner(facts(payments={}), OCT, PRACTICAL_ONLY)
    assert result.good_standing
    assert result.minimum_usd == 0


def test_the_financial_minimum_follows_the_big_mac_index_of_the_partner_country() -> None:
    rules = PartnerRules(conduct_window_months=0)
    # India: 100 x 2.75 / 5.69 = $48.33 a month.
    india = evaluate_partner(facts(payments=dict.fromkeys(WINDOW, 50.0), country="IN"), OCT, rules)
    assert india.minimum_usd == 48.33
    assert india.good_standing
    # The same $50 is not enough in Switzerland: 100 x 8.07 / 5.69 = $141.83.
    swiss = evaluate_partner(facts(payments=dict.fromkeys(WINDOW, 50.0), country="CH"), OCT, rules)
    assert swiss.minimum_usd == 141.83
    assert [s.rule for s in swiss.shortfalls] == [Rule.FINANCIAL]


def test_euro_area_countries_use_the_euro_area_figure() -> None:
    rules = PartnerRules(conduct_window_months=0)
    france = evaluate_partner(facts(country="FR"), OCT, rules)
    germany = evaluate_partner(facts(country="DE"), OCT, rules)
    assert france.minimum_usd == germany.minimum_usd == 106.5  # 100 x 6.06 / 5.69


def test_a_country_missing_from_the_table_is_judged_on_the_unadjusted_minimum() -> None:
    rules = PartnerRules(conduct_window_months=0)
    result = evaluate_partner(facts(country="XK", payments={OCT: 60.0}), OCT, rules)
    assert result.minimum_usd == 100.0
    assert result.unadjusted_country == "XK"
    assert result.reasons == (
        "financial: 2026-10 had $60.00 in payments of the $100.00 needed ($40.00 short; "
        "no Big Mac figure for XK, so the unadjusted minimum applies)",
    )


def test_an_override_gives_a_missing_country_its_ratio() -> None:
    rules = PartnerRules(conduct_window_months=0, bigmac_overrides={"XK": 0.55})
    result = evaluate_partner(facts(country="XK", payments=dict.fromkeys(WINDOW, 55.0)), OCT, rules)
    assert result.minimum_usd == 55.0
    assert result.good_standing


def test_a_conduct_record_in_the_window_breaks_good_standing_without_its_details() -> None:
    rules = PartnerRules(financial_minimum_usd=0, conduct_window_months=12)
    result = evaluate_partner(facts(conduct=(date(2026, 3, 14),)), OCT, rules)
    assert not result.good_standing
    assert result.reasons == (
        "conduct: 1 code-of-conduct record in the window (counts until the end of 2027-02)",
    )


def test_a_conduct_record_older_than_the_window_no_longer_counts() -> None:
    rules = PartnerRules(financial_minimum_usd=0, conduct_window_months=12)
    # The window of October 2026 starts on 1 November 2025.
    assert evaluate_partner(facts(conduct=(date(2025, 10, 31),)), OCT, rules).good_standing
    assert not evaluate_partner(facts(conduct=(date(2025, 11, 1),)), OCT, rules).good_standing


def test_a_conduct_record_after_the_evaluated_month_is_not_held_against_it() -> None:
    rules = PartnerRules(financial_minimum_usd=0)
    assert evaluate_partner(facts(conduct=(date(2026, 11, 2),)), OCT, rules).good_standing


def test_every_commitment_missed_at_once_is_listed_rule_by_rule() -> None:
    points = {Month(2026, 8): 10, Month(2026, 9): 10, OCT: 1}
    payments = {Month(2026, 8): 100.0, Month(2026, 9): 100.0, OCT: 20.0}
    result = evaluate_partner(
        facts(points, payments=payments, conduct=(date(2026, 10, 31),)), OCT, PartnerRules()
    )
    assert [s.rule for s in result.shortfalls] == [Rule.PRACTICAL, Rule.FINANCIAL, Rule.CONDUCT]
    assert result.shortfalls[0].missing == 9
    assert result.shortfalls[1].missing == 80.0


def test_a_month_crossing_the_new_year_is_judged_on_its_own() -> None:
    jan = Month(2027, 1)
    points = {Month(2026, 12): 0, jan: 10}
    result = evaluate_partner(facts(points), jan, PRACTICAL_ONLY)
    assert result.judged_months == (jan,)
    assert result.good_standing
