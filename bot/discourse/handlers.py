"""Forum events into the ledger: accepted solutions become credits, posts become activity.

This module is the inbox side (record, claim, retry); what an event does, steps 2 and
3 below, is :mod:`bot.discourse.effects`.

Every event is first recorded in the inbox under its natural key (a redelivery or a
second sync finds it there and stops), then processed:

1. *claim* the entry for a short lease, so the request that received it, the retry
   job and another replica do not all work on it at once;
2. *gather* what only the forum API knows, outside any transaction: who wrote the
   topic (no credit for answering one's own question) and, for a forum user creditbot
   has not met, their e-mail address (so one person is one member across Slack and
   the forum);
3. *apply* the effects and mark the entry done in one transaction; ``complete`` only
   succeeds on a pending entry, so the effects happen once.

If the forum cannot be reached (or asks us to wait), the entry stays pending with a
``next_attempt_at`` and :func:`process_pending_discourse` (the scheduler, every minute,
or ``creditbot discourse retry``) tries again. Nothing is dropped.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bot.discourse.effects import apply, gather
from bot.discourse.events import (
    ForumEvent,
    PayloadError,
)
from bot.discourse.solutions import (
    SOURCE,
    delivery_key,
)
from bot.errors import CreditbotError, ExternalServiceError
from bot.ports import DiscourseReader
from bot.runtime import Runtime
from storage.errors import ConflictingWrite
from storage.repositories.inbox import InboxEntry
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.discourse")

LEASE = timedelta(minutes=2)
MAX_BACKOFF = timedelta(hours=1)
_EVERYTHING = datetime(9999, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Outcome:
    """What processing one inbox entry did: ``done``, ``ignored``, ``retry``, ``failed``,
    or ``skipped`` (someone else has it, or it is done already)."""

    status: str
    message: str
    key: str = ""


@dataclass
class PendingResult:
    outcomes: list[Outcome] = field(default_factory=list)

    @property
    def counts(self) -> Counter[str]:
        return Counter(o.status for o in self.outcomes)


def record_event(uow: UnitOfWork, event: ForumEvent, now: datetime) -> int | None:
    """Put an event in the inbox; its entry id, or None if this delivery was seen (an
    accept or unaccept is keyed by its decision, see :mod:`bot.discourse.solutions`)."""
    key = delivery_key(uow, event)
    return uow.inbox.record(SOURCE, key, event.name, event.to_json(), now)


def process_entry(
    runtime: Runtime,
    gateway: DiscourseReader | None,
    entry_id: int,
    *,
    now: datetime | None = None,
    due_by: datetime | None = None,
) -> Outcome:
    """Process one Discourse inbox entry (see the module docstring)."""
    now = now or runtime.now()
    with runtime.uow() as uow:
        entry = uow.inbox_claims.get(entry_id)
        if entry is None or entry.source != SOURCE or entry.status != "pending":
            return Outcome("skipped", "not a pending Discourse event", entry.key if entry else "")
        if not uow.inbox_claims.claim(entry_id, due_by or now, now + LEASE):
            return Outcome("skipped", "being processed elsewhere, or not due yet", entry.key)
        uow.commit()
    return _process_claimed(runtime, gateway, entry, now)


def process_pending_discourse(
    runtime: Runtime,
    gateway: DiscourseReader | None,
    now: datetime,
    *,
    include_scheduled: bool = False,
    limit: int = 100,
) -> PendingResult:
    """Retry the Discourse events still pending; the scheduler calls this every minute.

    ``include_scheduled`` also takes entries whose next attempt is later (``creditbot
    discourse retry`` does: a person asked for it now).
    """
    due_by = _EVERYTHING if include_scheduled else now
    with runtime.reader() as uow:
        entries = uow.inbox.due(SOURCE, due_by, limit)
    result = PendingResult()
    for entry in entries:
        result.outcomes.append(process_entry(runtime, gateway, entry.id, now=now, due_by=due_by))
    return result


# -- the three steps ---------------------------------------------------------------------
def _process_claimed(
    runtime: Runtime, gateway: DiscourseReader | None, entry: InboxEntry, now: datetime
) -> Outcome:
    try:
        event = ForumEvent.from_json(entry.kind, entry.payload)
    except PayloadError as error:
        with runtime.uow() as uow:
            uow.inbox.mark_failed(entry.id, str(error))
            uow.commit()
        log.error("discourse event %s cannot be read: %s", entry.key, error)
        return Outcome("failed", str(error), entry.key)
    config = runtime.config
    try:
        facts = gather(runtime, gateway, event)
    except ExternalServiceError as error:
        return _retry(runtime, entry, str(error), error.retry_after, now)
    try:
        with runtime.uow() as uow:
            if not uow.inbox_claims.complete(entry.id, now):
                return Outcome("skipped", "already processed", entry.key)
            status, message = apply(uow, config, runtime.settings.discourse_url, event, facts, now)
            uow.commit()
    except ConflictingWrite:
        # Another event of the same new forum user created the member first.
        return _retry(runtime, entry, "a concurrent change to the same member", 0, now)
    except CreditbotError as error:
        return _retry(runtime, entry, str(error), None, now)
    # The message may name the member: logs never hold names (an erasure could not reach them).
    log.info("discourse %s: %s", event.key, status)
    return Outcome(status, message, entry.key)


def _retry(
    runtime: Runtime, entry: InboxEntry, error: str, retry_after: float | None, now: datetime
) -> Outcome:
    backoff = min(timedelta(minutes=1) * (2 ** min(entry.attempts, 10)), MAX_BACKOFF)
    wait = max(backoff, timedelta(seconds=retry_after or 0))
    with runtime.uow() as uow:
        uow.inbox.mark_retry(entry.id, error, now + wait)
        uow.commit()
    log.warning(
        "discourse event %s kept for a retry in %ds: %s", entry.key, wait.total_seconds(), error
    )
    return Outcome("retry", f"kept for a retry: {error}", entry.key)
