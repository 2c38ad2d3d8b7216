"""Partner tiers: badges earned over the last months, Bronze to Platinum by their count.

Each contribution type may carry a badge (``engineering``, ``services``, ``bizdev``,
``marketing``, ...). An organisation earns a badge when its credits of the types that
carry it reach that badge's threshold (``badge_minimums``, else ``min_points_per_badge``)
over the ``window_months`` months before a review. The number of distinct badges gives
the tier. Tiers are decided at half-yearly reviews (1 January and 1 July) and stored:
see ``bot/services/partners/tiers.py``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from scoring.models import ContributionType


@dataclass(frozen=True)
class TierRules:
    """``tiers`` in creditbot.yml. ``levels``: (name, badges needed), lowest first."""

    window_months: int = 6
    min_points_per_badge: int = 20
    badge_minimums: Mapping[str, int] = field(default_factory=dict)
    levels: tuple[tuple[str, int], ...] = (
        ("Bronze", 1),
        ("Silver", 2),
        ("Gold", 3),
        ("Platinum", 4),
    )


@dataclass(frozen=True)
class Tier:
    badges: tuple[str, ...]
    name: str | None  # None: no tier yet


def badges_earned(
    points_by_type: Mapping[str, int], types: Iterable[ContributionType], rules: TierRules
) -> tuple[str, ...]:
    """The badges whose types gathered enough points, sorted by name."""
    badge_of = {t.name: t.badge for t in types if t.badge}
    points: dict[str, int] = {}
    for type_name, value in points_by_type.items():
        badge = badge_of.get(type_name)
        if badge is not None:
            points[badge] = points.get(badge, 0) + value

    def need(badge: str) -> int:
        return max(rules.badge_minimums.get(badge, rules.min_points_per_badge), 1)

    return tuple(sorted(b for b, p in points.items() if p >= need(b)))


def tier_for(
    points_by_type: Mapping[str, int], types: Iterable[ContributionType], rules: TierRules
) -> Tier:
    """The badges and the tier (the highest level whose count is reached)."""
    badges = badges_earned(points_by_type, types, rules)
    name: str | None = None
    for level, needed in sorted(rules.levels, key=lambda item: item[1]):
        if len(badges) >= needed:
            name = level
    return Tier(badges, name)
