"""Nudges, welcome backs and organisation decline alerts."""

from __future__ import annotations

from datetime import date, timedelta

from scoring.inactivity import (
    InactivityRules,
    MemberActivity,
    declining_organisations,
    members_to_nudge,
    members_to_welcome_back,
)
from scoring.months import Month

TODAY = date(2026, 11, 1)
RULES = InactivityRules(member_days=60, nudge_cooldown_days=90, org_decline_ratio=0.5)


def ago(days: int) -> date:
    return TODAY - timedelta(days=days)


def test_a_member_quiet_for_exactly_member_days_gets_a_nudge() -> None:
    nudges = members_to_nudge([MemberActivity(1, (ago(100), ago(60)))], TODAY, RULES)
    assert [(n.member_id, n.quiet_days) for n in nudges] == [(1, 60)]


def test_a_member_active_recently_is_left_alone() -> None:
    assert members_to_nudge([MemberActivity(1, (ago(59),))], TODAY, RULES) == []


def test_someone_who_never_did_anything_is_not_nudged() -> None:
    assert members_to_nudge([MemberActivity(1, ())], TODAY, RULES) == []


def test_a_member_who_opted_out_is_never_nudged() -> None:
    assert members_to_nudge([MemberActivity(1, (ago(90),), opted_out=True)], TODAY, RULES) == []


def test_one_quiet_spell_gets_one_nudge_however_long_it_lasts() -> None:
    member = MemberActivity(1, (ago(400),), last_nudge=ago(200))
    assert members_to_nudge([member], TODAY, RULES) == []


def test_a_second_spell_within_the_cooldown_gets_no_second_nudge() -> None:
    # Nudged 80 days ago, came back the next day, quiet again for 70 days.
    member = MemberActivity(1, (ago(150), ago(79), ago(70)), last_nudge=ago(80))
    assert members_to_nudge([member], TODAY, RULES) == []


def test_a_second_spell_after_the_cooldown_gets_a_new_nudge() -> None:
    member = MemberActivity(1, (ago(200), ago(99), ago(65)), last_nudge=ago(100))
    assert [n.member_id for n in members_to_nudge([member], TODAY, RULES)] == [1]


def test_activity_after_the_evaluated_day_is_ignored() -> None:
    member = MemberActivity(1, (ago(70), TODAY + timedelta(days=3)))
    assert [n.member_id for n in members_to_nudge([member], TODAY, RULES)] == [1]


def test_a_member_back_after_a_long_gap_is_welcomed_once() -> None:
    member = MemberActivity(1, (ago(120), ago(2)))
    welcome = members_to_welcome_back([member], TODAY, RULES)
    assert [(w.member_id, w.returned_on, w.away_days) for w in welcome] == [(1, ago(2), 118)]
    welcomed = MemberActivity(1, (ago(120), ago(2)), last_welcome_back=ago(1))
    assert members_to_welcome_back([welcomed], TODAY, RULES) == []


def test_a_short_pause_is_no_return() -> None:
    assert members_to_welcome_back([MemberActivity(1, (ago(50), ago(1)))], TODAY, RULES) == []


def test_a_return_long_ago_is_not_welcomed_late() -> None:
    member = MemberActivity(1, (ago(200), ago(30), ago(1)))
    assert members_to_welcome_back([member], TODAY, RULES) == []


def test_an_organisation_down_by_half_against_its_three_month_average_is_flagged() -> None:
    points = {
        "acme": {Month(2026, 7): 20, Month(2026, 8): 10, Month(2026, 9): 30, Month(2026, 10): 10},
        "beta": {Month(2026, 7): 10, Month(2026, 8): 10, Month(2026, 9): 10, Month(2026, 10): 6},
        "new": {Month(2026, 10): 5},
    }
    declines = declining_organisations(points, Month(2026, 10), RULES)
    assert [(d.slug, d.points, d.average) for d in declines] == [("acme", 10, 20.0)]
    assert declines[0].drop == 0.5


def test_an_organisation_that_went_silent_is_flagged() -> None:
    points = {"gamma": {Month(2025, 10): 3, Month(2025, 11): 3, Month(2025, 12): 3}}
    declines = declining_organisations(points, Month(2026, 1), RULES)
    assert [(d.slug, d.points, d.drop) for d in declines] == [("gamma", 0, 1.0)]
