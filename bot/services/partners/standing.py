"""Partner standing: evaluate a month for every partner, climb the ladder, tell the right people.

``run_standing`` records one step per partner and writes every message it causes to the
outbox in the same transaction (the caller commits):

- levels 1, 2 and 3: a private message to each of the partner's contacts (what fell
  short, by how much, how to fix it, by when);
- level 3 reached: a neutral public announcement in ``announcements_channel`` (no
  reason, no amount, no conduct detail);
- back in good standing: a private welcome back to the contacts;
- a private summary of the month to each programme manager.

Outbox keys are ``standing:<slug>:<YYYY-MM>:dm:<user>``,
``standing:<slug>:<YYYY-MM>:announcement`` and ``standing:summary:<YYYY-MM>:dm:<user>``,
so evaluating a month again writes nothing new.

The facts and rules come from :mod:`bot.services.partners.facts`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.errors import PartnerCountryError
from bot.messages import standing as messages
from bot.messages.standing import PartnerResult, StandingView
from bot.services.partners.facts import (
    evaluate_month,
    inactivity_rules,
    monthly_points,
    partner_rules,
    partners,
    tier_rules,
    tiers_for,
)
from scoring.inactivity import declining_organisations
from scoring.ladder import LadderChange, Move, next_step
from scoring.models import Organisation
from scoring.months import Month
from scoring.standing import StandingEvaluation
from scoring.tiers import Tier
from storage.repositories.standing import StoredStanding
from storage.uow import UnitOfWork

__all__ = [
    "PartnerCountryError",
    "PartnerResult",
    "PartnerStatus",
    "StandingRun",
    "StandingView",
    "partner_statuses",
    "run_standing",
    "standing_views",
    "tier_rules",
    "tiers_for",
]


@dataclass(frozen=True)
class StandingRun:
    month: Month
    results: tuple[PartnerResult, ...]
    outbox_keys: tuple[str, ...]

    @property
    def summary(self) -> str:
        new = [r for r in self.results if r.change.new]
        if not new:
            return f"standing for {self.month}: already evaluated, nothing new"
        good = sum(1 for r in new if r.change.step.level == 0)
        moved = sum(1 for r in new if r.change.move not in (Move.STAYED_GOOD,))
        return (
            f"standing for {self.month}: {len(new)} partners evaluated, {good} in good "
            f"standing, {moved} moved on the ladder, {len(self.outbox_keys)} messages"
        )


# -- reading -----------------------------------------------------------------------------
def standing_views(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> list[StandingView]:
    """Every partner for ``month``: the stored result, or a preview computed now."""
    stored = uow.standing.for_month(month)
    orgs = partners(uow)
    missing = [o for o in orgs if o.slug not in stored]
    previews = (
        {org.slug: ev for org, ev in evaluate_month(uow, config, month) if org in missing}
        if missing
        else {}
    )
    tiers = tiers_for(uow, config, month, [o.slug for o in orgs])
    views: list[StandingView] = []
    for org in orgs:
        if org.slug in stored:
            s = stored[org.slug]
            views.append(
                StandingView(
                    org.slug,
                    org.name,
                    s.good_standing,
                    s.reasons,
                    s.level,
                    s.referrals_paused,
                    s.listed,
                    True,
                    tiers.get(org.slug),
                )
            )
            continue
        evaluation = previews[org.slug]
        before = uow.standing.latest_before(org.slug, month)
        step = next_step(
            before.ladder_step() if before else None, month, evaluation.good_standing, org.slug
        ).step
        views.append(
            StandingView(
                org.slug,
                org.name,
                evaluation.good_standing,
                evaluation.reasons,
                step.level,
                step.referrals_paused,
                step.listed,
                False,
                tiers.get(org.slug),
            )
        )
    return views


@dataclass(frozen=True)
class PartnerStatus:
    """What the public directory needs of a partner now (no reason, nothing private)."""

    slug: str
    name: str
    listed: bool
    referrals_paused: bool
    tier: Tier


def partner_statuses(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> list[PartnerStatus]:
    """Every partner's listing and referrals after its last evaluated month (a partner never
    evaluated is listed), with its tier over the tier window ending with ``month``."""
    orgs = partners(uow)
    tiers = tiers_for(uow, config, month, [o.slug for o in orgs])
    out: list[PartnerStatus] = []
    for org in orgs:
        latest = uow.standing.latest(org.slug)
        out.append(
            PartnerStatus(
                org.slug,
                org.name,
                latest.listed if latest else True,
                latest.referrals_paused if latest else False,
                tiers[org.slug],
            )
        )
    return out


# -- running -----------------------------------------------------------------------------
def run_standing(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month, now: datetime
) -> StandingRun:
    """Evaluate ``month`` for every partner, record the steps and queue the messages.

    A partner whose ``month`` is already evaluated is left as it is (nothing is sent
    again); a month before a partner's last evaluated one is refused
    (:class:`~scoring.errors.LadderOutOfOrder`). The caller commits.
    """
    results: list[PartnerResult] = []
    keys: list[str] = []
    for org, evaluation in evaluate_month(uow, config, month):
        previous = uow.standing.latest(org.slug)
        change = next_step(
            previous.ladder_step() if previous else None,
            month,
            evaluation.good_standing,
            slug=org.slug,
        )
        results.append(PartnerResult(org, evaluation, change))
        if not change.new:
            continue
        step = change.step
        uow.standing.record(
            StoredStanding(
                slug=org.slug,
                month=month,
                good_standing=evaluation.good_standing,
                level=step.level,
                reasons=evaluation.reasons,
                referrals_paused=step.referrals_paused,
                listed=step.listed,
                evaluated_at=now,
                details=_details(evaluation, change),
            )
        )
        keys.extend(_partner_messages(uow, config, org, evaluation, change, now))
    new = [r for r in results if r.change.new]
    if new:
        keys.extend(_summary_messages(uow, config, month, new, now))
    return StandingRun(month, tuple(results), tuple(keys))


def _details(evaluation: StandingEvaluation, change: LadderChange) -> dict[str, Any]:
    return {
        "move": change.move.value,
        "previous_level": change.previous.level if change.previous else 0,
        "judged_months": [str(m) for m in evaluation.judged_months],
        "minimum_points": evaluation.minimum_points,
        "minimum_usd": evaluation.minimum_usd,
        "shortfalls": [
            {
                "rule": s.rule.value,
                "month": str(s.month) if s.month else None,
                "required": s.required,
                "actual": s.actual,
            }
            for s in evaluation.shortfalls
        ],
    }


def _enqueue_dm(uow: UnitOfWork, key: str, user: str, text: str, now: datetime) -> str | None:
    payload = {"text": text, "blocks": None}
    return key if uow.outbox.enqueue(key, "slack", "dm", user, payload, now) else None


def _partner_messages(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    org: Organisation,
    evaluation: StandingEvaluation,
    change: LadderChange,
    now: datetime,
) -> list[str]:
    month = evaluation.month
    keys: list[str] = []
    if change.move == Move.STAYED_GOOD:
        return keys
    if change.move == Move.RESTORED:
        text = messages.welcome_back(org, month, change)
    else:
        text = messages.warning(
            org, evaluation, change, partner_rules(config), config.slack.program_managers
        )
    for contact in org.contacts:
        key = _enqueue_dm(uow, f"standing:{org.slug}:{month}:dm:{contact}", contact, text, now)
        if key:
            keys.append(key)
    channel = config.slack.announcements_channel
    if change.move == Move.REMOVED and channel:
        key = f"standing:{org.slug}:{month}:announcement"
        payload = {"text": messages.removal_announcement(org), "blocks": None}
        if uow.outbox.enqueue(key, "slack", "post", channel, payload, now):
            keys.append(key)
    return keys


def _summary_messages(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    month: Month,
    results: list[PartnerResult],
    now: datetime,
) -> list[str]:
    baseline = tuple(month.shift(-k) for k in range(3, -1, -1))
    points = monthly_points(uow, config, baseline)
    declines = declining_organisations(
        {r.organisation.slug: points.get(r.organisation.slug, {}) for r in results},
        month,
        inactivity_rules(config),
    )
    text = messages.manager_summary(
        month, results, declines, announcements=config.slack.announcements_channel
    )
    keys: list[str] = []
    for manager in config.slack.program_managers:
        key = _enqueue_dm(uow, f"standing:summary:{month}:dm:{manager}", manager, text, now)
        if key:
            keys.append(key)
    return keys
