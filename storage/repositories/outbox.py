"""The outbox: every message the bot sends on its own, written with the change that caused it.

(Over 300 lines: one table's repository, with the whole life of a row (claim, send,
retry, park) and the retry delay it obeys.)

A row goes ``pending`` -> ``sending`` (claimed by one worker until ``claimed_until``)
-> ``sent`` (with ``sent_ref``: the Slack ``ts`` or the Discourse topic id). A
transient failure puts it back to ``pending`` with a later ``next_attempt_at``; after
``max_attempts`` tries, or on a permanent error, it is parked as ``failed`` until
someone retries it (``creditbot outbox retry``).

Claims are conditional ``UPDATE``s, so two workers never take the same row; a claim
whose lease ran out (a worker that died mid-send) can be taken again. Messages to one
target are claimed in order: a row waits while an earlier row to the same target is
waiting for a retry or being sent. A parked message does not hold up the others.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, exists, func, or_, select, update
from sqlmodel import Session

from storage.sql import insert_one_ignoring_conflicts
from storage.tables import OutboxRow, columns, table

log = logging.getLogger("creditbot.outbox")

PENDING, SENDING, SENT, FAILED = "pending", "sending", "sent", "failed"
STATUSES = (PENDING, SENDING, SENT, FAILED)

BACKOFF_BASE_SECONDS = 5.0
BACKOFF_CAP_SECONDS = 3600.0
MAX_ERROR_CHARS = 2000

_outbox = columns(OutboxRow)


@dataclass(frozen=True)
class OutboxMessage:
    """One outbox row, as the worker and the CLI see it."""

    id: int
    key: str
    channel: str
    kind: str
    target: str
    payload: dict[str, Any]
    status: str
    attempts: int
    next_attempt_at: datetime
    created_at: datetime
    last_error: str | None = None
    sent_ref: str | None = None
    sent_at: datetime | None = None
    claimed_by: str | None = None
    claimed_until: datetime | None = None
    resumed: bool = False
    """Claimed again after another worker's lease ran out: it may have been sent already."""

    @property
    def log_name(self) -> str:
        """How log lines name the message: its id, channel, kind and the type of its
        target. Never its key, which for a private message says who was told what
        (``standing:beta:2027-07:dm:U01BETA``); ``creditbot outbox list`` shows keys."""
        return f"{self.id} ({self.channel} {self.kind} to {_target_type(self)})"


def _target_type(message: OutboxMessage) -> str:
    if message.channel != "slack":
        return "a private message" if message.kind in ("pm", "badge") else "a topic"
    first = message.target[:1]
    if message.kind == "dm" or first in ("D", "U", "W"):
        return "a person"
    return "a private channel" if first == "G" else "a channel"


def retry_delay(
    attempts: int, retry_after: float | None, rng: random.Random | None = None
) -> float:
    """Seconds to wait before the next try, after ``attempts`` failed tries (1 or more).

    The service's ``Retry-After`` wins when given; otherwise exponential back-off
    (5 s, 10 s, 20 s, ... capped at an hour) with "equal jitter" (half fixed, half random)
    so that many workers do not retry in step.
    """
    if retry_after is not None and retry_after >= 0:
        return float(retry_after)
    ceiling = min(BACKOFF_CAP_SECONDS, BACKOFF_BASE_SECONDS * 2.0 ** max(attempts - 1, 0))
    chooser = rng or random.Random()
    return ceiling / 2 + chooser.uniform(0, ceiling / 2)


def _to_message(row: OutboxRow, resumed: bool = False) -> OutboxMessage:
    return OutboxMessage(
        id=row.id or 0,
        key=row.key,
        channel=row.channel,
        kind=row.kind,
        target=row.target,
        payload=dict(row.payload),
        status=row.status,
        attempts=row.attempts,
        next_attempt_at=row.next_attempt_at,
        created_at=row.created_at,
        last_error=row.last_error,
        sent_ref=row.sent_ref,
        sent_at=row.sent_at,
        claimed_by=row.claimed_by,
        claimed_until=row.claimed_until,
        resumed=resumed,
    )


class OutboxRepository:
    def __init__(self, session: Session, clock: Callable[[], datetime] | None = None) -> None:
        self._session = session
        self._clock = clock  # the real clock, when callers pass a pretend "now"

    # -- writing a message -------------------------------------------------------
    def enqueue(
        self,
        key: str,
        channel: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> bool:
        """Add a message to send; False (and nothing written) if ``key`` is already there.

        It is due at ``now``, or at the repository's clock when it has one."""
        if self._clock is not None:
            now = self._clock()
        return (
            insert_one_ignoring_conflicts(
                self._session,
                table(OutboxRow),
                ("key",),
                {
                    "key": key,
                    "channel": channel,
                    "kind": kind,
                    "target": target,
                    "payload": payload,
                    "status": PENDING,
                    "attempts": 0,
                    "next_attempt_at": now,
                    "created_at": now,
                },
            )
            is not None
        )

    # -- the worker --------------------------------------------------------------
    def claim_due(
        self,
        owner: str,
        now: datetime,
        lease_seconds: float = 120,
        limit: int = 50,
        keys: Sequence[str] | None = None,
        channels: Sequence[str] | None = None,
    ) -> list[OutboxMessage]:
        """Take up to ``limit`` due messages for ``owner``, oldest first.

        Due: pending with ``next_attempt_at <= now``, or being sent under a lease that
        ran out. Messages to one target go in order: a message waits while an earlier
        one to the same target is waiting for a retry or being sent by someone else.
        Each row is taken with its own conditional ``UPDATE``: of two workers racing
        for a row, exactly one changes it. ``keys`` limits the claim to those messages,
        ``channels`` to those services (``slack``, ``discourse``).
        """
        earlier = table(OutboxRow).alias("earlier").c
        blocked = exists().where(
            earlier.channel == _outbox.channel,
            earlier.target == _outbox.target,
            earlier.id < _outbox.id,
            or_(
                and_(earlier.status == PENDING, earlier.next_attempt_at > now),
                and_(earlier.status == SENDING, earlier.claimed_until >= now),
            ),
        )
        claimable = or_(
            and_(_outbox.status == PENDING, _outbox.next_attempt_at <= now),
            and_(_outbox.status == SENDING, _outbox.claimed_until < now),
        )
        query = select(OutboxRow).where(claimable, ~blocked).order_by(_outbox.id).limit(limit)
        if keys is not None:
            query = query.where(_outbox.key.in_(list(keys)))
        if channels is not None:
            query = query.where(_outbox.channel.in_(list(channels)))
        candidates = list(self._session.execute(query).scalars())
        until = now + timedelta(seconds=lease_seconds)
        taken: list[OutboxMessage] = []
        skipped_targets: set[tuple[str, str]] = set()
        for row in candidates:
            if (row.channel, row.target) in skipped_targets:
                continue
            resumed = row.status == SENDING
            result = self._session.execute(
                update(OutboxRow)
                .where(_outbox.id == row.id, claimable)
                .values(status=SENDING, claimed_by=owner, claimed_until=until)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0) == 1:
                self._session.refresh(row)
                taken.append(_to_message(row, resumed=resumed))
            else:
                # Someone else took it: what follows it to the same target must wait.
                skipped_targets.add((row.channel, row.target))
        return taken

    def release(self, message_id: int, owner: str) -> None:
        """Give a claimed message back untouched (not tried; no attempt counted)."""
        self._session.execute(
            update(OutboxRow)
            .where(_outbox.id == message_id, _outbox.status == SENDING, _outbox.claimed_by == owner)
            .values(status=PENDING, claimed_by=None, claimed_until=None)
            .execution_options(synchronize_session=False)
        )

    def mark_sent(self, message_id: int, sent_ref: str | None, now: datetime) -> None:
        """Record a delivery: the Slack ``ts`` or the Discourse id, and when."""
        self._session.execute(
            update(OutboxRow)
            .where(_outbox.id == message_id)
            .values(
                status=SENT,
                sent_ref=sent_ref,
                sent_at=now,
                last_error=None,
                claimed_by=None,
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )

    def mark_retry(
        self,
        message_id: int,
        error: str,
        now: datetime,
        *,
        retry_after: float | None = None,
        max_attempts: int = 8,
        rng: random.Random | None = None,
        count_attempt: bool = True,
    ) -> OutboxMessage:
        """Count a failed try and schedule the next one (back-off + jitter, or
        ``Retry-After``); after ``max_attempts`` tries the message is parked as failed.

        ``count_attempt=False`` (a 429: "come back later", not a failure of the message)
        reschedules without using up a try.
        """
        row = self._session.get(OutboxRow, message_id, populate_existing=True)
        if row is None:
            raise LookupError(f"no outbox message {message_id}")
        attempts = row.attempts + 1 if count_attempt else row.attempts
        if count_attempt and attempts >= max_attempts:
            self._session.execute(
                update(OutboxRow)
                .where(_outbox.id == message_id)
                .values(attempts=attempts)
                .execution_options(synchronize_session=False)
            )
            return self.mark_failed(message_id, f"gave up after {attempts} tries: {error}")
        next_at = now + timedelta(seconds=retry_delay(max(attempts, 1), retry_after, rng))
        self._session.execute(
            update(OutboxRow)
            .where(_outbox.id == message_id)
            .values(
                status=PENDING,
                attempts=attempts,
                next_attempt_at=next_at,
                last_error=error[:MAX_ERROR_CHARS],
                claimed_by=None,
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        return self._reload(message_id)

    def mark_failed(self, message_id: int, error: str) -> OutboxMessage:
        """Park a message: it is not tried again until retried by hand. Logged loudly."""
        self._session.execute(
            update(OutboxRow)
            .where(_outbox.id == message_id)
            .values(
                status=FAILED,
                last_error=error[:MAX_ERROR_CHARS],
                claimed_by=None,
                claimed_until=None,
            )
            .execution_options(synchronize_session=False)
        )
        message = self._reload(message_id)
        log.error(
            "outbox message %s parked after %s tries: %s; "
            "see `creditbot outbox list`, retry with `creditbot outbox retry %s`",
            message.log_name,
            message.attempts,
            error,
            message.id,
        )
        return message

    # -- people looking at it ----------------------------------------------------
    def get(self, message_id: int) -> OutboxMessage | None:
        """The message with that id, or None."""
        row = self._session.get(OutboxRow, message_id, populate_existing=True)
        return None if row is None else _to_message(row)

    def by_key(self, key: str) -> OutboxMessage | None:
        """The message with that key, or None."""
        row = self._session.execute(select(OutboxRow).where(_outbox.key == key)).scalar()
        return None if row is None else _to_message(row)

    def by_keys(self, keys: Sequence[str]) -> list[OutboxMessage]:
        """The messages with these keys, oldest first."""
        if not keys:
            return []
        rows = self._session.execute(
            select(OutboxRow).where(_outbox.key.in_(list(keys))).order_by(_outbox.id)
        ).scalars()
        return [_to_message(row) for row in rows]

    def list(self, statuses: Sequence[str] | None = None, limit: int = 100) -> list[OutboxMessage]:
        """Messages, newest first, optionally only those in ``statuses``."""
        query = select(OutboxRow).order_by(_outbox.id.desc()).limit(limit)
        if statuses:
            query = query.where(_outbox.status.in_(list(statuses)))
        return [_to_message(row) for row in self._session.execute(query).scalars()]

    def counts(self) -> dict[str, int]:
        """How many messages are in each status."""
        rows = self._session.execute(
            select(_outbox.status, func.count()).group_by(_outbox.status)
        ).all()
        return {str(status): int(count) for status, count in rows}

    def retry(self, message_id: int, now: datetime) -> bool:
        """Put a parked (failed) message back in the queue, due now, with its tries reset."""
        result = self._session.execute(
            update(OutboxRow)
            .where(_outbox.id == message_id, _outbox.status == FAILED)
            .values(status=PENDING, attempts=0, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        return getattr(result, "rowcount", 0) == 1

    def retry_all(self, now: datetime) -> int:
        """Put every parked message back in the queue; how many."""
        result = self._session.execute(
            update(OutboxRow)
            .where(_outbox.status == FAILED)
            .values(status=PENDING, attempts=0, next_attempt_at=now)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0))

    def _reload(self, message_id: int) -> OutboxMessage:
        message = self.get(message_id)
        if message is None:
            raise LookupError(f"no outbox message {message_id}")
        return message
