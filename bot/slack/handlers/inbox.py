"""The inbox side of Slack events: each ``event_id`` handled once, failures kept.

An event is recorded in the inbox in the same transaction as its effects
(:func:`record_handled`), so a redelivery (same ``event_id``, with or without
``X-Slack-Retry-Num``) finds it there and changes nothing. An event that could not be
handled because Slack was unavailable is kept *pending* and handled again later by
:meth:`bot.slack.handlers.events.SlackEvents.process_pending`; one that failed for
another reason is kept *failed*, with its payload and the error, for a person to see.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping
from datetime import datetime, timedelta
from typing import Any, TypeVar

from bot.errors import ExternalServiceError
from bot.runtime import Runtime
from storage.errors import ConflictingWrite
from storage.repositories.outbox import retry_delay
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.slack.events")

INBOX_SOURCE = "slack"
MAX_ATTEMPTS = 8
WRITE_ATTEMPTS = 3

T = TypeVar("T")


def in_transaction(runtime: Runtime, work: Callable[[UnitOfWork], T]) -> T:
    """Run ``work`` in one transaction and commit it; again (from scratch) if a concurrent
    writer created the same row first (two events about one new person, on PostgreSQL)."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with runtime.uow() as uow:
                result = work(uow)
                uow.commit()
                return result
        except ConflictingWrite:
            if attempt == WRITE_ATTEMPTS:
                raise
            log.info("another writer got there first; trying the transaction again")
    raise AssertionError("unreachable")


def event_key(envelope: Mapping[str, Any]) -> str:
    """The inbox key of an event: Slack's ``event_id`` (stable across redeliveries)."""
    event_id = envelope.get("event_id")
    if event_id:
        return str(event_id)
    event = envelope.get("event") or {}
    return f"{event.get('type')}:{event.get('event_ts') or event.get('ts')}:{event.get('user')}"


def event_kind(envelope: Mapping[str, Any]) -> str:
    """The inbox kind of an event: its type (``message``, ``reaction_added``...)."""
    return str((envelope.get("event") or {}).get("type", "unknown"))


def _dump(envelope: Mapping[str, Any]) -> str:
    return json.dumps(envelope, ensure_ascii=False, sort_keys=True)


def already_handled(runtime: Runtime, envelope: Mapping[str, Any], entry_id: int | None) -> bool:
    """Whether the event is in the inbox already (a stored event handled again is not)."""
    if entry_id is not None:
        return False
    with runtime.reader() as uow:
        return uow.inbox.seen(INBOX_SOURCE, event_key(envelope))


def record_handled(
    uow: UnitOfWork, envelope: Mapping[str, Any], now: datetime, entry_id: int | None
) -> bool:
    """Record the event in the inbox, in the transaction of its effects; False if it was
    handled before (this transaction must then change nothing)."""
    if entry_id is not None:
        return uow.inbox_claims.complete(entry_id, now)
    recorded = uow.inbox.record(
        INBOX_SOURCE, event_key(envelope), event_kind(envelope), _dump(envelope), now, "done"
    )
    if recorded is not None:
        uow.inbox.mark_done(recorded, now)
    return recorded is not None


def record_failure(
    runtime: Runtime, envelope: Mapping[str, Any], error: Exception, entry_id: int | None = None
) -> None:
    """Keep an event that could not be handled: pending, to be tried again later, when
    Slack was unavailable; failed, for a person to look at, otherwise."""
    now = runtime.now()
    reason = f"{type(error).__name__}: {error}"
    transient = isinstance(error, ExternalServiceError) and error.transient
    with runtime.uow() as uow:
        attempts = 0
        if entry_id is None:
            status = "pending" if transient else "failed"
            entry_id = uow.inbox.record(
                INBOX_SOURCE,
                event_key(envelope),
                event_kind(envelope),
                _dump(envelope),
                now,
                status,
            )
        else:
            entry = uow.inbox_claims.get(entry_id)
            attempts = entry.attempts if entry is not None else MAX_ATTEMPTS
        if entry_id is not None:
            if transient and attempts + 1 < MAX_ATTEMPTS:
                wait = retry_delay(attempts + 1, getattr(error, "retry_after", None))
                uow.inbox.mark_retry(entry_id, reason, now + timedelta(seconds=wait))
            else:
                uow.inbox.mark_failed(entry_id, reason)
        uow.commit()
    log.warning("Slack event %s not handled (%s)", event_key(envelope), reason)
