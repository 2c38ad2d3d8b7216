"""A programme manager's decisions on partner standing, audited: waive and reset.

- **waive** ``(slug, month)``: the evaluated month counts as good, and the stored levels of
  that month and of every later evaluated month are climbed again from there (a later
  month that fell short starts again at level 1). The shortfalls stay on record; the
  month is marked ``waived`` in its details.
- **reset** ``slug``: the latest evaluated month goes back to level 0 (listed, referrals
  on) at once.

Both are recorded in ``standing_decision`` with their reason. The partner's contacts are
told privately of a waive, and of a reset that changes their level; a partner listed again
is also announced publicly (the same neutral note as a month back in good standing).
Outbox keys: ``standing:<slug>:decision:<id>:dm:<user>`` and
``standing:<slug>:decision:<id>:announcement``.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from datetime import datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.messages import standing as messages
from bot.services.organisations import known_organisation
from scoring.ladder import replay
from scoring.models import Organisation
from scoring.months import Month
from storage.repositories.standing import StandingDecision, StoredStanding
from storage.uow import UnitOfWork

MAX_REASON = 500


@dataclass(frozen=True)
class DecisionResult:
    decision: StandingDecision
    before: StoredStanding
    after: StoredStanding  # the latest evaluated month, as it stands now
    restated: tuple[StoredStanding, ...]
    outbox_keys: tuple[str, ...]

    @property
    def summary(self) -> str:
        d = self.decision
        what = f"waived {d.month}" if d.kind == "waive" else f"reset from {d.month}"
        changes = ", ".join(f"{s.month} level {s.level}" for s in self.restated)
        return (
            f"{d.slug}: {what} (decision {d.id}); {changes}; now "
            f"{messages.level_words(self.after.level)}"
        )


def waive_month(
    uow: UnitOfWork, config: ProgrammeConfig, slug: str, month: Month, reason: str, now: datetime
) -> DecisionResult:
    """Count ``month`` as good for ``slug`` and restate every later evaluated month."""
    org = _partner(uow, slug)
    reason = _reason(reason)
    history = uow.standing.history(slug)
    if not any(s.month == month for s in history):
        raise InvalidInput(
            f"{slug} has no evaluated {month}: only a month `jobs run standing` has "
            "evaluated can be waived"
        )
    decision = uow.standing.add_decision(slug, month, "waive", reason, now)
    earlier = [s for s in history if s.month < month]
    later = [s for s in history if s.month >= month]
    months = [(s.month, s.month == month or _waived(s) or s.good_standing) for s in later]
    steps = replay(earlier[-1].ladder_step() if earlier else None, months)
    restated = []
    for stored, step in zip(later, steps, strict=True):
        details = dict(stored.details)
        if stored.month == month:
            details["waived"] = {"decision": decision.id, "reason": reason}
        new = dataclasses.replace(
            stored,
            level=step.level,
            referrals_paused=step.referrals_paused,
            listed=step.listed,
            details=details,
        )
        uow.standing.restate(new)
        restated.append(new)
    return _finish(uow, config, org, decision, history[-1], restated, now)


def reset_standing(
    uow: UnitOfWork, config: ProgrammeConfig, slug: str, reason: str, now: datetime
) -> DecisionResult:
    """Put ``slug`` back to level 0 from its latest evaluated month."""
    org = _partner(uow, slug)
    reason = _reason(reason)
    latest = uow.standing.latest(slug)
    if latest is None:
        raise InvalidInput(f"{slug} has no evaluated month yet: there is nothing to reset")
    decision = uow.standing.add_decision(slug, latest.month, "reset", reason, now)
    details = {**latest.details, "reset": {"decision": decision.id, "reason": reason}}
    new = dataclasses.replace(latest, level=0, referrals_paused=False, listed=True, details=details)
    uow.standing.restate(new)
    return _finish(uow, config, org, decision, latest, [new], now)


def _waived(stored: StoredStanding) -> bool:
    return "waived" in stored.details


def _partner(uow: UnitOfWork, slug: str) -> Organisation:
    org = known_organisation(uow, slug)
    if not org.partner:
        raise InvalidInput(f"{slug} is not a partner (partner: true in creditbot.yml)")
    return org


def _reason(reason: str) -> str:
    text = " ".join(reason.split())
    if not text:
        raise InvalidInput("--reason: say why (it is kept in the standing history)")
    if len(text) > MAX_REASON:
        raise InvalidInput(f"--reason: at most {MAX_REASON} characters, not {len(text)}")
    return text


def _finish(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    org: Organisation,
    decision: StandingDecision,
    before: StoredStanding,
    restated: list[StoredStanding],
    now: datetime,
) -> DecisionResult:
    after = restated[-1] if restated[-1].month >= before.month else before
    keys: list[str] = []
    if decision.kind == "waive" or after.level != before.level:
        text = messages.decision_notice(org, decision, before.level, after.level)
        for contact in org.contacts:
            key = f"standing:{org.slug}:decision:{decision.id}:dm:{contact}"
            if uow.outbox.enqueue(key, "slack", "dm", contact, {"text": text, "blocks": None}, now):
                keys.append(key)
    channel = config.slack.announcements_channel
    if channel and after.listed and not before.listed:
        key = f"standing:{org.slug}:decision:{decision.id}:announcement"
        payload = {"text": messages.relisted_announcement(org), "blocks": None}
        if uow.outbox.enqueue(key, "slack", "post", channel, payload, now):
            keys.append(key)
    return DecisionResult(decision, before, after, tuple(restated), tuple(keys))
