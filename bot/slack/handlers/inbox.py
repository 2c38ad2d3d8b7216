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
from collections.abc import Mapping
from datetime import datetime, timedelta
from typing import Any

from bot.errors import ExternalServiceError
from bot.runtime import Runtime
from bot.services.inbox import Delivery, record_delivery, was_handled
from storage.repositories.outbox import retry_delay
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.slack.events")

INBOX_SOURCE = "slack"
MAX_ATTEMPTS = 8


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


def delivery_of(envelope: Mapping[str, Any], entry_id: int | None = None) -> Delivery:
    """A Slack event envelope as the inbox keeps it (``entry_id``: its stored entry)."""
    return Delivery(
        INBOX_SOURCE, event_key(envelope), event_kind(envelope), _dump(envelope), entry_id
    )


def already_handled(runtime: Runtime, envelope: Mapping[str, Any], entry_id: int | None) -> bool:
    """Whether the event is in the inbox already (a stored event handled again is not)."""
    return was_handled(runtime, delivery_of(envelope, entry_id))


def record_handled(
    uow: UnitOfWork, envelope: Mapping[str, Any], now: datetime, entry_id: int | None
) -> bool:
    """Record the event in the inbox, in the transaction of its effects; False if it was
    handled before (this transaction must then change nothing)."""
    return record_delivery(uow, delivery_of(envelope, entry_id), now)


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
