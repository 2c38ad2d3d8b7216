"""Half-yearly tier reviews: on 1 January and 1 July each partner's badges over the six
months before are counted, its tier stored with the history, and a partner whose tier
changed is told privately. Views read the stored tier; nothing recomputes it.

The job ``tier-review`` has periods ``YYYY-01`` and ``YYYY-07`` (the review's month),
due on its 1st at 10:00 in the programme's timezone. Outbox key of the message:
``tier:<slug>:<period>:dm:<contact>``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.runs import JobOutcome, JobSpec, complete_claim
from bot.runtime import Runtime
from bot.services.partner_facts import partners, tier_rules
from scoring.errors import InvalidMonth
from scoring.models import Organisation
from scoring.months import Month, local_date
from scoring.tiers import Tier, tier_for
from storage.repositories.tiers import StoredTier, TierRepository
from storage.uow import UnitOfWork

REVIEW_MONTHS = (1, 7)
REVIEW_HOUR = 10


@dataclass(frozen=True)
class HalfYearly:
    """Due on 1 January and 1 July at ``hour`` (local); the period is that month."""

    hour: int = REVIEW_HOUR

    def due_at(self, period: str, tz: ZoneInfo) -> datetime:
        return datetime.combine(Month.parse(period).first_day(), time(self.hour), tzinfo=tz)

    def latest_due(self, moment: datetime, tz: ZoneInfo) -> str:
        candidate = self._at_or_before(Month.of(local_date(moment, tz)))
        while self.due_at(str(candidate), tz) > moment:
            candidate = self._at_or_before(candidate.previous())
        return str(candidate)

    def current(self, moment: datetime, tz: ZoneInfo) -> str:
        return self.latest_due(moment, tz)

    def previous(self, period: str) -> str:
        return str(Month.parse(period).shift(-6))

    def next(self, period: str) -> str:
        return str(Month.parse(period).shift(6))

    def parse(self, text: str) -> str:
        try:
            month = Month.parse(text)
        except InvalidMonth:
            month = None
        if month is None or month.month not in REVIEW_MONTHS:
            raise InvalidInput(f"'{text}' is not a review month; expected YYYY-01 or YYYY-07")
        return str(month)

    def cron(self) -> dict[str, Any]:
        return {"month": "1,7", "day": 1, "hour": self.hour, "minute": 0}

    @staticmethod
    def _at_or_before(month: Month) -> Month:
        while month.month not in REVIEW_MONTHS:
            month = month.previous()
        return month


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


def tier_review_job(runtime: Runtime, period: str) -> JobOutcome:
    """The half-yearly review of ``period``."""
    now = runtime.now()
    with runtime.uow() as uow:
        changed, keys = review_tiers(uow, runtime.config, period, now)
        complete_claim(uow, now)
        uow.commit()
    return JobOutcome(f"tier review {period}: {changed} tiers changed", tuple(keys))


def _cadence(config: ProgrammeConfig) -> HalfYearly:
    return HalfYearly()


TIER_REVIEW_JOB = JobSpec(
    id="tier-review",
    func=tier_review_job,
    cadence=_cadence,
    description="review partner tiers on 1 January and 1 July and tell partners whose tier changed",
    catch_up=1,
)
