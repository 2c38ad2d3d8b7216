"""The outbox rows of a standing run: the partner's private messages, the public notes
when it leaves or rejoins the list, and the programme managers' monthly summary.

Outbox keys: ``standing:<slug>:<YYYY-MM>:dm:<user>``,
``standing:<slug>:<YYYY-MM>:announcement`` and ``standing:summary:<YYYY-MM>:dm:<user>``.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

from bot.config import ProgrammeConfig
from bot.messages import standing as messages
from bot.services.partners.facts import inactivity_rules, monthly_points, partner_rules
from scoring.inactivity import declining_organisations
from scoring.ladder import TOP_LEVEL, LadderChange, Move
from scoring.models import Organisation
from scoring.months import Month
from scoring.standing import StandingEvaluation
from storage.protocols import StandingWork

if TYPE_CHECKING:
    from bot.messages.standing import PartnerResult


def _enqueue_dm(uow: StandingWork, key: str, user: str, text: str, now: datetime) -> str | None:
    payload = {"text": text, "blocks": None}
    return key if uow.outbox.enqueue(key, "slack", "dm", user, payload, now) else None


def partner_messages(
    uow: StandingWork,
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
    keys.extend(_announce(uow, config, org, month, change, now))
    return keys


def _announce(
    uow: StandingWork,
    config: ProgrammeConfig,
    org: Organisation,
    month: Month,
    change: LadderChange,
    now: datetime,
) -> list[str]:
    """The public note when a partner leaves the list, or comes back to it."""
    channel = config.slack.announcements_channel
    before = change.previous.level if change.previous else 0
    if change.move == Move.REMOVED:
        text = messages.removal_announcement(org)
    elif change.move == Move.RESTORED and before >= TOP_LEVEL:
        text = messages.relisted_announcement(org)
    else:
        return []
    key = f"standing:{org.slug}:{month}:announcement"
    if channel and uow.outbox.enqueue(
        key, "slack", "post", channel, {"text": text, "blocks": None}, now
    ):
        return [key]
    return []


def summary_messages(
    uow: StandingWork,
    config: ProgrammeConfig,
    month: Month,
    results: Sequence[PartnerResult],
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
