"""Outside events handled once: a delivery is recorded in the inbox with its effects.

A :class:`Delivery` is an event as the inbox keeps it (its source, a key stable across
redeliveries, its kind and payload), translated by the adapter that received it.
Recorded in the transaction of its effects, a redelivery finds it there and changes
nothing; :class:`EventOutcome` says what handling it did.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.runtime import Runtime
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class Delivery:
    """One delivery of an event: where from, its inbox key, kind and payload; the id of
    its inbox entry when it was stored first and is handled now (else None)."""

    source: str
    key: str
    kind: str
    payload: str
    entry_id: int | None = None


@dataclass(frozen=True)
class EventOutcome:
    """What one event did: ``done``, ``duplicate`` or ``ignored`` (with why)."""

    status: str
    detail: str = ""
    suggestion_id: int | None = None
    credit_id: int | None = None
    outbox_keys: tuple[str, ...] = ()


def ignored(why: str) -> EventOutcome:
    return EventOutcome("ignored", why)


DUPLICATE = EventOutcome("duplicate", "this event_id was already handled")


def was_handled(runtime: Runtime, delivery: Delivery) -> bool:
    """Whether the event is in the inbox already (a stored event handled again is not)."""
    if delivery.entry_id is not None:
        return False
    with runtime.reader() as uow:
        return uow.inbox.seen(delivery.source, delivery.key)


def record_delivery(uow: UnitOfWork, delivery: Delivery, now: datetime) -> bool:
    """Record the event in the inbox, in the transaction of its effects; False if it was
    handled before (this transaction must then change nothing)."""
    if delivery.entry_id is not None:
        return uow.inbox_claims.complete(delivery.entry_id, now)
    recorded = uow.inbox.record(
        delivery.source, delivery.key, delivery.kind, delivery.payload, now, "done"
    )
    if recorded is not None:
        uow.inbox.mark_done(recorded, now)
    return recorded is not None
