"""Partner standing: evaluate a month for every partner, climb the ladder, tell the right people.

``run_standing`` records one step per partner and writes every message it causes to the
outbox in the same transaction (the caller commits):

- levels 1, 2 and 3: a private message to each of the partner's contacts (what fell
  short, by how much, how to fix it, what brings it back);
- level 3 reached: a neutral public announcement in ``announcements_channel`` (no
  reason, no amount, no conduct detail); listed again: a neutral public note too;
- back in good standing: a private welcome back to the contacts;
- a private summary of the month to each programme manager, and the notices told once
  (:mod:`bot.services.partners.notices`, :mod:`bot.services.partners.admission`).

The messages and their outbox keys are in :mod:`bot.services.partners.standing_outbox`; keys are
stable, so evaluating a month again writes nothing new. The facts and rules come from
:mod:`bot.services.partners.facts`. :func:`standing_so_far` answers "where does partner X
stand this month so far" for other entry points.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.messages.standing import PartnerResult, StandingView
from bot.services.partners import notices
from bot.services.partners.admission import report_eligible
from bot.services.partners.facts import evaluate_month, partners, tier_rules
from bot.services.partners.standing_outbox import partner_messages, summary_messages
from bot.services.partners.tiers import stored_tiers
from scoring.ladder import LadderChange, Move, next_step
from scoring.months import Month
from scoring.standing import StandingEvaluation
from scoring.tiers import Tier
from storage.protocols import StandingWork
from storage.repositories.standing import StoredStanding
from storage.uow import UnitOfWork

__all__ = [
    "PartnerResult",
    "PartnerStatus",
    "StandingRun",
    "StandingView",
    "partner_statuses",
    "run_standing",
    "standing_so_far",
    "standing_views",
    "tier_rules",
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
def standing_so_far(
    uow: UnitOfWork, config: ProgrammeConfig, slug: str, month: Month
) -> StandingView | None:
    """Where partner ``slug`` stands in ``month`` so far: the stored evaluation once the
    month is evaluated, else a preview from the records dated so far (nothing stored).
    None when ``slug`` is not a partner. (For ``/credit standing`` and the like.)"""
    views = standing_views(uow, config, month, only=slug)
    return views[0] if views else None


def standing_views(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month, only: str | None = None
) -> list[StandingView]:
    """Every partner (or just ``only``) for ``month``: the stored result, or a preview
    computed now."""
    stored = uow.standing.for_month(month)
    orgs = [o for o in partners(uow) if only is None or o.slug == only]
    missing = [o for o in orgs if o.slug not in stored]
    previews = (
        {org.slug: ev for org, ev in evaluate_month(uow, config, month, missing)} if missing else {}
    )
    tiers = stored_tiers(uow)
    views: list[StandingView] = []
    for org in orgs:
        if org.slug in stored:
            s = stored[org.slug]
            waived = s.details.get("waived")
            views.append(
                StandingView(
                    org.slug,
                    org.name,
                    s.good_standing or bool(waived),
                    _shown_reasons(s),
                    s.level,
                    s.referrals_paused,
                    s.listed,
                    True,
                    tiers.get(org.slug) if s.listed else None,
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
                tiers.get(org.slug) if step.listed else None,
            )
        )
    return views


def _shown_reasons(stored: StoredStanding) -> tuple[str, ...]:
    """The stored reasons, after what a programme manager decided on the month."""
    decided = []
    for kind in ("waived", "reset"):
        entry = stored.details.get(kind)
        if isinstance(entry, dict):
            decided.append(f"{kind} by a programme manager: {entry.get('reason', '')}")
    return (*decided, *stored.reasons)


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
    evaluated is listed), with its tier from the latest half-yearly review."""
    orgs = partners(uow)
    tiers = stored_tiers(uow)
    out: list[PartnerStatus] = []
    for org in orgs:
        latest = uow.standing.latest(org.slug)
        out.append(
            PartnerStatus(
                org.slug,
                org.name,
                latest.listed if latest else True,
                latest.referrals_paused if latest else False,
                tiers.get(org.slug, Tier((), None)),
            )
        )
    return out


# -- running -----------------------------------------------------------------------------
def run_standing(
    uow: StandingWork, config: ProgrammeConfig, month: Month, now: datetime
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
        keys.extend(partner_messages(uow, config, org, evaluation, change, now))
    new = [r for r in results if r.change.new]
    if new:
        keys.extend(summary_messages(uow, config, month, new, now))
        keys.extend(notices.missing_bigmac_figures(uow, config, [r.evaluation for r in new], now))
    keys.extend(report_eligible(uow, config, month, now))
    keys.extend(notices.late_records(uow, config, month.previous(), now))
    return StandingRun(month, tuple(results), tuple(keys))


def _details(evaluation: StandingEvaluation, change: LadderChange) -> dict[str, Any]:
    return {
        "move": change.move.value,
        "previous_level": change.previous.level if change.previous else 0,
        "judged_months": [str(m) for m in evaluation.judged_months],
        "minimum_points": evaluation.minimum_points,
        "minimum_usd": evaluation.minimum_usd,
        "points": evaluation.points,
        "paid_usd": evaluation.paid_usd,
        "unadjusted_country": evaluation.unadjusted_country,
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
