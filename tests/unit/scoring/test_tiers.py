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
    assert badges_earned({"code": 5, "support": 2}, TYPES, TierRules()) == ("engineering",)
    assert tier_for({"code": 5, "support": 2}, TYPES, TierRules()).name == "Bronze"


def test_each_distinct_badge_moves_the_tier_up() -> None:
    rules = TierRules()
    assert tier_for({"code": 5, "talk": 5}, TYPES, rules).name == "Silver"
    assert tier_for({"code": 5, "talk": 5, "consulting": 3}, TYPES, rules).name == "Gold"
    points = {"code": 5, "talk": 5, "consulting": 3, "bizdev": 4}
    tier = tier_for(points, TYPES, rules)
    assert tier.name == "Platinum"
    assert tier.badges == ("bizdev", "engineering", "marketing", "services")


def test_types_without_a_badge_earn_nothing() -> None:
    assert tier_for({"misc": 40}, TYPES, TierRules()).name is None


def test_the_points_needed_per_badge_and_the_levels_are_configurable() -> None:
    rules = TierRules(min_points_per_badge=10, levels=(("Friend", 1), ("Champion", 2)))
    assert tier_for({"code": 5, "talk": 12}, TYPES, rules).badges == ("marketing",)
    assert tier_for({"code": 10, "talk": 12}, TYPES, rules).name == "Champion"
