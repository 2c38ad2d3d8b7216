"""Tiers: badges from the contribution types, Bronze to Platinum by their count."""

from __future__ import annotations

from scoring.models import ContributionType
from scoring.tiers import TierRules, badges_earned, tier_for

TYPES = (
    ContributionType("code", 5, "engineering"),
    ContributionType("support", 2, "engineering"),
    ContributionType("talk", 5, "marketing"),
    ContributionType("consulting", 3, "services"),
    ContributionType("bizdev", 4, "bizdev"),
    ContributionType("misc", 1, None),
)


def test_an_organisation_with_no_credit_has_no_tier() -> None:
    assert tier_for({}, TYPES, TierRules()).name is None


def test_two_types_with_one_badge_earn_that_badge_once() -> None:
    assert badges_earned({"code": 15, "support": 6}, TYPES, TierRules()) == ("engineering",)
    assert tier_for({"code": 15, "support": 6}, TYPES, TierRules()).name == "Bronze"


def test_three_single_credits_are_not_enough_for_any_badge_by_default() -> None:
    assert tier_for({"code": 5, "talk": 5, "consulting": 3}, TYPES, TierRules()).name is None


def test_each_badge_has_its_own_threshold() -> None:
    rules = TierRules(badge_minimums={"engineering": 60, "marketing": 16})
    assert badges_earned({"code": 55, "talk": 16}, TYPES, rules) == ("marketing",)
    assert badges_earned({"code": 60, "talk": 15}, TYPES, rules) == ("engineering",)


def test_each_distinct_badge_moves_the_tier_up() -> None:
    rules = TierRules()
    assert tier_for({"code": 20, "talk": 20}, TYPES, rules).name == "Silver"
    assert tier_for({"code": 20, "talk": 20, "consulting": 21}, TYPES, rules).name == "Gold"
    points = {"code": 20, "talk": 20, "consulting": 21, "bizdev": 20}
    tier = tier_for(points, TYPES, rules)
    assert tier.name == "Platinum"
    assert tier.badges == ("bizdev", "engineering", "marketing", "services")


def test_types_without_a_badge_earn_nothing() -> None:
    assert tier_for({"misc": 40}, TYPES, TierRules()).name is None


def test_the_points_needed_per_badge_and_the_levels_are_configurable() -> None:
    rules = TierRules(min_points_per_badge=10, levels=(("Friend", 1), ("Champion", 2)))
    assert tier_for({"code": 5, "talk": 12}, TYPES, rules).badges == ("marketing",)
    assert tier_for({"code": 10, "talk": 12}, TYPES, rules).name == "Champion"
