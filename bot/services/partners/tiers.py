"""Half-yearly tier reviews: on 1 January and 1 July each partner's badges over the six
months before are counted, its tier stored with the history, and a partner whose tier
changed is told privately. Views read the stored tier; nothing recomputes it.

The job ``tier-review`` has periods ``YYYY-01`` and ``YYYY-07`` (the review's month),
due on its 1st at 10:00 in the programme's timezone. Outbox key of the message:
``tier:<slug>:<period>:dm:<contact>``.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import ProgrammeConfig
from bot.services.partners.facts import partners, tier_rules
from scoring.models import Organisation
from scoring.months import Month
from scoring.tiers import Tier, tier_for
from storage.repositories.tiers import StoredTier, TierRepository
from storage.uow import UnitOfWork


def review_tiers(
    uow: UnitOfWork, config: ProgrammeConfig, period: str, now: datetime
) -> tuple[int, list[str]]:
    """Store every partner's tier for the review ``period``; (changed, outbox keys)."""
    review = Month.parse(period)
    rules = tier_rules(config)
    start, _ = review.shift(-rules.window_months).bounds(config.tz)
    _, end = review.previous().bounds(config.tz)
    repo = TierRepository(uow.session)
    before = repo.latest()
    changed, keys = 0, []
    for org in partners(uow):
        points = uow.ledger.points_by_type(start, end, organisation=org.slug)
        tier = tier_for(points, config.rules.types, rules)
        stored = StoredTier(org.slug, period, tier.name, tier.badges, now)
        if not repo.record(stored):
            continue
        previous = before.get(org.slug)
        if (previous.tier if previous else None) != tier.name:
            changed += 1
            keys += _tell(uow, org, period, previous, tier, now)
    return changed, keys


def stored_tiers(uow: UnitOfWork) -> dict[str, Tier]:
    """Each partner's tier from its latest review (no tier before a first review)."""
    return {
        slug: Tier(s.badges, s.tier) for slug, s in TierRepository(uow.session).latest().items()
    }


def _tell(
    uow: UnitOfWork,
    org: Organisation,
    period: str,
    previous: StoredTier | None,
    tier: Tier,
    now: datetime,
) -> list[str]:
    was = previous.tier if previous and previous.tier else "no tier"
    badges = f" (badges: {', '.join(tier.badges)})" if tier.badges else ""
    text = (
        f"*Partner tier: {org.name}*\nAt the review of {Month.parse(period).label()}, "
        f"{org.name}'s tier changed from {was} to {tier.name or 'no tier'}{badges}, from its "
        "contributions over the last six months. The next review is in six months."
    )
    keys = []
    for contact in org.contacts:
        key = f"tier:{org.slug}:{period}:dm:{contact}"
        if uow.outbox.enqueue(key, "slack", "dm", contact, {"text": text, "blocks": None}, now):
            keys.append(key)
    return keys
