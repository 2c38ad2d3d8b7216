"""The outbox worker: sends what the outbox holds, once, in order, and records the result.

``deliver_due`` claims the due messages (its own short transaction), sends each through
the Slack or Discourse gateway, and records each result in a transaction of its own,
so a crash loses at most the record of the message being sent. Per target, messages
go in the order they were written, about one a second to one Slack channel.

Failures:
- 429 (``retry_after`` given): the message waits what Slack asked for, without using up
  one of its tries, and nothing more goes to that service in this round;
- other transient failures (5xx, network): back-off with jitter, and later messages to
  the same target wait behind it; after ``outbox.max_attempts`` tries it is parked
  (``failed``, logged loudly, ``creditbot outbox list`` / ``outbox retry``);
- a permanent failure (channel not found, not allowed...): parked at once.

The one remaining way to send a message twice: a Slack post accepted by Slack whose
answer is lost (the connection drops, or the process dies between the send and the
record), so it is retried. Slack's ``chat.postMessage`` has no idempotency key. The
window is kept small (the result is committed right after the call; a claim is only
taken over after its lease runs out; a 429 is never a post). For Discourse topics the
window is closed: a topic carries an ``external_id`` and the worker looks it up before
creating it again after a failed or interrupted try, so it is found, not doubled (the
Discourse kinds, topic, pm and badge, are sent by ``bot/outbox/discourse.py``).
"""

from __future__ import annotations

import logging
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.errors import ExternalServiceError
from bot.outbox.discourse import UnsendableMessage, send_discourse
from bot.owners import worker_id
from bot.ports import DiscourseSender, SlackSender
from bot.runtime import Clock, Runtime
from storage.repositories.outbox import OutboxMessage

log = logging.getLogger("creditbot.outbox")

SLACK, DISCOURSE = "slack", "discourse"


class Pacer:
    """About one message a second to one Slack channel (Slack's own posting limit)."""

    def __init__(
        self,
        interval: float = 1.0,
        sleep: Callable[[float], None] = time.sleep,
        monotonic: Callable[[], float] = time.monotonic,
    ) -> None:
        self.interval = interval
        self._sleep = sleep
        self._monotonic = monotonic
        self._last: dict[str, float] = {}

    def wait_for(self, target: str) -> None:
        last = self._last.get(target)
        if last is not None:
            wait = self.interval - (self._monotonic() - last)
            if wait > 0:
                self._sleep(wait)

    def sent(self, target: str) -> None:
        self._last[target] = self._monotonic()


@dataclass(frozen=True)
class Delivered:
    key: str
    ref: str | None


@dataclass(frozen=True)
class Undelivered:
    key: str
    error: str
    next_attempt_at: datetime | None = None


@dataclass
class DeliveryResult:
    sent: list[Delivered] = field(default_factory=list)
    retrying: list[Undelivered] = field(default_factory=list)
    failed: list[Undelivered] = field(default_factory=list)
    released: list[str] = field(default_factory=list)
    """Claimed, then handed back untried (the service asked us to slow down)."""

    @property
    def nothing_done(self) -> bool:
        return not (self.sent or self.retrying or self.failed)


class _Permanent(Exception):
    """A message that can never be sent as it is (bad payload, unknown kind)."""


def _send(
    runtime: Runtime,
    message: OutboxMessage,
    slack: SlackSender | None,
    discourse: DiscourseSender | None,
) -> str | None:
    """Send one message; its reference (Slack ts, Discourse topic or badge id)."""
    payload = message.payload
    if message.channel == SLACK and slack is not None:
        blocks = payload.get("blocks") or None
        if message.kind == "post":
            return slack.post_message(
                message.target, payload["text"], blocks, payload.get("thread_ts")
            )
        if message.kind == "dm":
            return slack.send_dm(message.target, payload["text"], blocks)
        if message.kind == "update":
            slack.update_message(message.target, payload["ts"], payload["text"], blocks)
            return str(payload["ts"])
    if message.channel == DISCOURSE and discourse is not None:
        try:
            return send_discourse(runtime, message, discourse)
        except UnsendableMessage as error:
            raise _Permanent(str(error)) from None
    raise _Permanent(f"cannot send a {message.channel} {message.kind!r} message")


def deliver_due(
    runtime: Runtime,
    slack: SlackSender | None,
    discourse: DiscourseSender | None,
    now: datetime,
    keys: Sequence[str] | None = None,
    *,
    owner: str | None = None,
    pacer: Pacer | None = None,
    rng: random.Random | None = None,
    limit: int = 50,
    clock: Clock | None = None,
) -> DeliveryResult:
    """Send the messages due at ``now`` (only ``keys``, when given); what happened.

    A gateway given as None (not configured) leaves its messages in the outbox untouched.
    ``clock`` (default: the runtime's) dates what happens after the claim.
    """
    clock = clock or runtime.clock
    owner = owner or worker_id()
    pacer = pacer or Pacer(runtime.config.outbox.slack_interval_seconds)
    settings = runtime.config.outbox
    channels = [name for name, gw in ((SLACK, slack), (DISCOURSE, discourse)) if gw is not None]
    result = DeliveryResult()
    if not channels:
        return result
    with runtime.uow() as uow:
        claimed = uow.outbox.claim_due(
            owner, now, settings.lease_seconds, limit, keys=keys, channels=channels
        )
        uow.commit()

    sending = _Round(runtime, slack, discourse, owner, pacer, rng, clock, result)
    for message in claimed:
        sending.deliver(message)
    return result


@dataclass
class _Round:
    """One round of ``deliver_due``: sends the claimed messages one by one, holding back
    what must wait behind an earlier failure, and records each result."""

    runtime: Runtime
    slack: SlackSender | None
    discourse: DiscourseSender | None
    owner: str
    pacer: Pacer
    rng: random.Random | None
    clock: Clock
    result: DeliveryResult
    paused: set[str] = field(default_factory=set)
    """Services that said "slow down" in this round."""
    held: set[tuple[str, str]] = field(default_factory=set)
    """Targets whose earlier message must go first."""

    def deliver(self, message: OutboxMessage) -> None:
        if message.channel in self.paused or (message.channel, message.target) in self.held:
            with self.runtime.uow() as uow:
                uow.outbox.release(message.id, self.owner)
                uow.commit()
            self.result.released.append(message.key)
            return
        if message.resumed:
            log.warning(
                "outbox message %s was being sent by a worker that stopped; "
                "sending it again (it may already have arrived once)",
                message.log_name,
            )
        sent, ref = self._send(message)
        if not sent:
            return
        with self.runtime.uow() as uow:
            uow.outbox.mark_sent(message.id, ref, self.clock())
            uow.commit()
        log.info("outbox message %s sent", message.log_name)
        self.result.sent.append(Delivered(message.key, ref))

    def _send(self, message: OutboxMessage) -> tuple[bool, str | None]:
        """Sent and the message's reference; or not sent, the failure recorded."""
        paced = message.channel == SLACK
        if paced:
            self.pacer.wait_for(message.target)
        try:
            return True, _send(self.runtime, message, self.slack, self.discourse)
        except ExternalServiceError as error:
            self._failed(message, error)
        except _Permanent as error:
            with self.runtime.uow() as uow:
                uow.outbox.mark_failed(message.id, str(error))
                uow.commit()
            self.result.failed.append(Undelivered(message.key, str(error)))
        except Exception as error:  # a bug or an unexpected answer: retry, keep the worker up
            log.exception("outbox message %s raised", message.log_name)
            wrapped = ExternalServiceError(message.channel, f"{type(error).__name__}: {error}")
            record = _record_failure(self.runtime, message, wrapped, self.rng, self.clock())
            bucket = self.result.failed if record.status == "failed" else self.result.retrying
            bucket.append(Undelivered(message.key, str(wrapped), record.next_attempt_at))
            self.held.add((message.channel, message.target))
        finally:
            if paced:
                self.pacer.sent(message.target)
        return False, None

    def _failed(self, message: OutboxMessage, error: ExternalServiceError) -> None:
        record = _record_failure(self.runtime, message, error, self.rng, self.clock())
        if record.status == "failed":
            self.result.failed.append(Undelivered(message.key, str(error)))
            return
        self.result.retrying.append(Undelivered(message.key, str(error), record.next_attempt_at))
        self.held.add((message.channel, message.target))
        if error.retry_after is not None:
            self.paused.add(message.channel)


def _record_failure(
    runtime: Runtime,
    message: OutboxMessage,
    error: ExternalServiceError,
    rng: random.Random | None,
    now: datetime,
) -> OutboxMessage:
    with runtime.uow() as uow:
        if not error.transient:
            record = uow.outbox.mark_failed(message.id, str(error))
        else:
            record = uow.outbox.mark_retry(
                message.id,
                str(error),
                now,
                retry_after=error.retry_after,
                max_attempts=runtime.config.outbox.max_attempts,
                rng=rng,
                count_attempt=error.retry_after is None,
            )
        uow.commit()
    if record.status != "failed":
        log.warning(
            "outbox message %s not sent (%s); next try at %s",
            message.log_name,
            error,
            record.next_attempt_at.isoformat(),
        )
    return record
