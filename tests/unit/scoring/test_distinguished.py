from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from scoring.distinguished import (
    Contribution,
    ProgrammeRules,
    Track,
    add_months,
    credit_history,
    cycle_for,
    decide_term,
    local_day,
    reminder_due,
    tally,
)

RULES = ProgrammeRules(
    tracks=(
        Track("engineer", "Distinguished Engineer", types=("code", "docs"), renewal_points=40),
        Track("partner", "Distinguished Partner", nominee="organisation", renewal_points=60),
    )
)


# -- tally --------------------------------------------------------------------------------


def test_a_tally_below_the_quorum_has_no_outcome_even_when_every_vote_approves() -> None:
    result = tally(["approve", "approve"], seats=5, quorum=0.5, majority=0.5)
    assert result.quorum_reached is False
    assert result.outcome == "no_quorum"
    assert (result.approve, result.decline, result.abstain, result.cast) == (2, 0, 0, 2)


def test_abstentions_count_towards_the_quorum_but_not_the_majority() -> None:
    result = tally(["approve", "abstain", "abstain"], seats=6, quorum=0.5, majority=0.5)
    assert result.quorum_reached is True
    assert result.outcome == "approved"  # 1 approve of 1 approve+decline


def test_a_quorum_of_exactly_the_share_is_reached() -> None:
    assert tally(["decline"] * 3, seats=10, quorum=0.3, majority=0.5).quorum_reached is True
    assert tally(["decline"] * 2, seats=10, quorum=0.3, majority=0.5).quorum_reached is False


def test_a_tie_is_not_a_majority_and_one_more_approval_is() -> None:
    assert tally(["approve", "decline"], seats=2, quorum=0.5, majority=0.5).outcome == "declined"
    approved = tally(["approve", "approve", "decline"], seats=3, quorum=0.5, majority=0.5)
    assert approved.outcome == "approved"


def test_a_two_thirds_majority_needs_more_than_two_thirds() -> None:
    votes = ["approve", "approve", "decline"]
    assert tally(votes, seats=3, quorum=1, majority=0.67).outcome == "declined"
    assert tally(votes, seats=3, quorum=1, majority=0.66).outcome == "approved"


def test_only_abstentions_reach_the_quorum_and_decline() -> None:
    result = tally(["abstain"] * 4, seats=4, quorum=1, majority=0.5)
    assert (result.quorum_reached, result.outcome) == (True, "declined")


def test_a_panel_without_seats_never_reaches_a_quorum() -> None:
    assert tally([], seats=0, quorum=0.5, majority=0.5).outcome == "no_quorum"


def test_an_unknown_vote_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown vote"):
        tally(["maybe"], seats=1, quorum=0.5, majority=0.5)  # type: ignore[list-item]


def test_the_tally_as_stored_names_counts_and_outcome_only() -> None:
    stored = tally(["approve", "decline", "abstain"], seats=4, quorum=0.5, majority=0.5).as_dict()
    assert stored == {
        "approve": 1,
        "decline": 1,
        "abstain": 1,
        "seats": 4,
        "quorum_reached": True,
        "outcome": "declined",
    }


# -- cycles -------------------------------------------------------------------------------


def test_the_cycle_of_a_day_is_its_year_with_the_configured_dates() -> None:
    cycle = cycle_for(date(2026, 3, 14), RULES)
    assert (cycle.year, cycle.opens, cycle.closes, cycle.decides) == (
        2026,
        date(2026, 9, 1),
        date(2026, 10, 31),
        date(2026, 12, 1),
    )


def _accepts_nominations(day: date, rules: ProgrammeRules) -> bool:
    return cycle_for(day, rules).accepts_nominations(day)


def test_the_window_includes_its_first_and_last_day_and_nothing_around_them() -> None:
    assert not _accepts_nominations(date(2026, 8, 31), RULES)
    assert _accepts_nominations(date(2026, 9, 1), RULES)
    assert _accepts_nominations(date(2026, 10, 31), RULES)
    assert not _accepts_nominations(date(2026, 11, 1), RULES)


def test_the_close_day_lasts_until_midnight_in_the_programme_timezone() -> None:
    tokyo = ZoneInfo("Asia/Tokyo")
    # 31 October 14:59 UTC is 23:59 in Tokyo: still the close day there.
    assert _accepts_nominations(local_day(datetime(2026, 10, 31, 14, 59, tzinfo=UTC), tokyo), RULES)
    # 15:00 UTC is already 1 November in Tokyo, though still 31 October in UTC.
    assert not _accepts_nominations(
        local_day(datetime(2026, 10, 31, 15, 0, tzinfo=UTC), tokyo), RULES
    )
    honolulu = ZoneInfo("Pacific/Honolulu")
    # 1 November 09:00 UTC is 31 October 23:00 in Honolulu: still open there.
    assert _accepts_nominations(local_day(datetime(2026, 11, 1, 9, 0, tzinfo=UTC), honolulu), RULES)


def test_voting_closes_at_midnight_starting_the_decision_day_in_the_programme_zone() -> None:
    paris = ZoneInfo("Europe/Paris")
    closes = cycle_for(date(2026, 5, 1), RULES).voting_closes_at(paris)
    assert closes == datetime(2026, 11, 30, 23, 0, tzinfo=UTC)


def test_a_window_may_span_a_leap_day() -> None:
    rules = ProgrammeRules(opens=(2, 1), closes=(3, 1), decides=(4, 1))
    assert _accepts_nominations(date(2028, 2, 29), rules)
    assert cycle_for(date(2028, 2, 29), rules).closes == date(2028, 3, 1)


# -- terms --------------------------------------------------------------------------------


def test_a_term_with_enough_points_in_the_track_is_renewed_for_another_term() -> None:
    decision = decide_term(
        first_started=date(2026, 12, 1),
        ends=date(2028, 12, 1),
        points=40,
        threshold=40,
        rules=RULES,
    )
    assert decision.outcome == "renewed"
    assert decision.new_ends == date(2030, 12, 1)
    assert decision.consecutive_years == 2


def test_a_term_one_point_short_expires() -> None:
    decision = decide_term(
        first_started=date(2026, 12, 1),
        ends=date(2028, 12, 1),
        points=39,
        threshold=40,
        rules=RULES,
    )
    assert (decision.outcome, decision.new_ends, decision.points) == (
        "expired",
        date(2028, 12, 1),
        39,
    )


def test_four_consecutive_years_make_the_membership_lifetime_whatever_the_points() -> None:
    decision = decide_term(
        first_started=date(2026, 12, 1), ends=date(2030, 12, 1), points=0, threshold=40, rules=RULES
    )
    assert (decision.outcome, decision.new_ends, decision.consecutive_years) == (
        "lifetime",
        None,
        4,
    )


def test_a_day_short_of_four_years_is_not_yet_lifetime() -> None:
    decision = decide_term(
        first_started=date(2026, 12, 2), ends=date(2030, 12, 1), points=0, threshold=40, rules=RULES
    )
    assert decision.outcome == "expired"
    assert decision.consecutive_years == 3


def test_a_term_started_on_a_leap_day_ends_on_the_28th_of_february() -> None:
    decision = decide_term(
        first_started=date(2028, 2, 29),
        ends=date(2030, 2, 28),
        points=99,
        threshold=40,
        rules=RULES,
    )
    assert decision.new_ends == date(2032, 2, 28)


def test_the_reminder_is_due_three_months_before_the_end_and_not_a_day_earlier() -> None:
    ends = date(2028, 12, 1)
    assert not reminder_due(ends, date(2028, 8, 31), 3)
    assert reminder_due(ends, date(2028, 9, 1), 3)
    assert reminder_due(ends, date(2028, 11, 30), 3)
    assert not reminder_due(ends, ends, 3)


def test_a_reminder_before_a_term_ending_on_the_31st_starts_on_the_shorter_months_last_day() -> (
    None
):
    assert add_months(date(2029, 5, 31), -3) == date(2029, 2, 28)
    assert reminder_due(date(2029, 5, 31), date(2029, 2, 28), 3)
    assert not reminder_due(date(2029, 5, 31), date(2029, 2, 27), 3)


def test_no_reminder_when_reminders_are_off() -> None:
    assert not reminder_due(date(2028, 12, 1), date(2028, 11, 30), 0)


# -- evidence -----------------------------------------------------------------------------


def test_the_credit_history_lists_every_month_and_sums_by_type() -> None:
    credits = [
        Contribution(date(2025, 11, 30), "code", 5),  # before the span: ignored
        Contribution(date(2025, 12, 1), "code", 5),
        Contribution(date(2026, 3, 10), "blog", 4),
        Contribution(date(2026, 3, 11), "docs", 3),
        Contribution(date(2026, 11, 30), "code", 5),
        Contribution(date(2026, 12, 1), "code", 5),  # after the span: ignored
    ]
    history = credit_history(credits, ("code", "docs"), date(2025, 12, 15))
    assert history.start_month == "2025-12"
    assert len(history.by_month) == 12
    assert history.by_month[0] == ("2025-12", 5)
    assert dict(history.by_month)["2026-03"] == 7
    assert dict(history.by_month)["2026-07"] == 0
    assert history.by_month[-1] == ("2026-11", 5)
    assert history.by_type == (("code", 10), ("blog", 4), ("docs", 3))
    assert (history.total_points, history.total_credits, history.track_points) == (17, 4, 13)
    stored = history.as_dict()
    assert stored["end_month"] == "2026-11"
    assert stored["by_type"] == {"code": 10, "blog": 4, "docs": 3}


def test_a_track_without_types_counts_every_credit() -> None:
    history = credit_history(
        [Contribution(date(2026, 1, 5), "bizdev", 4), Contribution(date(2026, 1, 6), "talk", 5)],
        (),
        date(2026, 1, 1),
    )
    assert history.track_points == 9


def test_a_track_counts_only_its_types_and_an_empty_list_counts_all() -> None:
    engineer, partner = RULES.tracks
    assert engineer.counts("code") and not engineer.counts("talk")
    assert partner.counts("talk") and partner.counts("bizdev")
