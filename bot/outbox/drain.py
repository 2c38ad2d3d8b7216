"""Sending given messages now: what ``creditbot jobs run`` (and the demo) do with the
messages a run queued, before the process exits; the worker sends the rest later.

The messages go through :func:`bot.outbox.worker.deliver_due` like any other, with
their retries waited for up to a limit.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from bot.outbox.worker import DISCOURSE, SLACK, Delivered, Pacer, Undelivered, deliver_due
from bot.owners import worker_id
from bot.ports import DiscourseSender, SlackSender
from bot.runtime import Clock, Runtime
from storage.repositories.outbox import FAILED, PENDING, SENDING, SENT, OutboxMessage

MAX_ROUNDS = 100


@dataclass
class Drained:
    """What ``deliver_keys`` achieved: sent, and not (with why)."""

    sent: list[Delivered] = field(default_factory=list)
    undelivered: list[Undelivered] = field(default_factory=list)


def deliver_keys(
    runtime: Runtime,
    slack: SlackSender | None,
    discourse: DiscourseSender | None,
    keys: Sequence[str],
    *,
    missing: dict[str, str] | None = None,
    max_wait: float = 120.0,
    clock: Clock | None = None,
    sleep: Callable[[float], None] = time.sleep,
    pacer: Pacer | None = None,
    rng: random.Random | None = None,
) -> Drained:
    """Deliver these messages now, waiting for their retries up to ``max_wait`` seconds.

    What ``creditbot jobs run`` does before it exits. A message whose service is not
    configured (``missing`` says why), or still not sent after ``max_wait``, stays in
    the outbox for the worker.
    """
    clock = clock or runtime.clock
    pacer = pacer or Pacer(
        runtime.config.outbox.slack_interval_seconds,
        sleep=sleep,
        monotonic=lambda: clock().timestamp(),
    )
    missing = dict(missing or {})
    owner = worker_id()
    waited = 0.0
    rounds = 0
    drained = Drained()
    while True:
        result = deliver_due(
            runtime, slack, discourse, clock(), keys, owner=owner, pacer=pacer, rng=rng, clock=clock
        )
        drained.sent += result.sent
        with runtime.reader() as uow:
            states = uow.outbox.by_keys(keys)
        open_ones = _still_open(states, slack, discourse)
        if not open_ones:
            break
        wait = _wait_for(open_ones, clock(), result.nothing_done)
        rounds += 1
        if waited + wait > max_wait or rounds >= MAX_ROUNDS:
            break
        sleep(wait)
        waited += wait
    for m in states:
        if m.status != SENT:
            why = _why_undelivered(m, missing, slack, discourse)
            drained.undelivered.append(Undelivered(m.key, why, m.next_attempt_at))
    return drained


def _configured(
    message: OutboxMessage, slack: SlackSender | None, discourse: DiscourseSender | None
) -> bool:
    """Whether the service this message goes to is configured in this process."""
    return not (
        (message.channel == SLACK and slack is None)
        or (message.channel == DISCOURSE and discourse is None)
    )


def _still_open(
    states: Sequence[OutboxMessage], slack: SlackSender | None, discourse: DiscourseSender | None
) -> list[OutboxMessage]:
    """The messages still to send (or being sent) that this process could send."""
    return [
        m for m in states if m.status in (PENDING, SENDING) and _configured(m, slack, discourse)
    ]


def _wait_for(open_ones: Sequence[OutboxMessage], now: datetime, nothing_done: bool) -> float:
    """Seconds until the next of these messages is due again."""
    wait = min(
        max((m.next_attempt_at - now).total_seconds(), 0.0)
        if m.status == PENDING
        else 1.0  # being sent by another worker: look again shortly
        for m in open_ones
    )
    if nothing_done:
        wait = max(wait, 0.5)  # held up by another message or worker: no busy loop
    return wait


def _why_undelivered(
    message: OutboxMessage,
    missing: Mapping[str, str],
    slack: SlackSender | None,
    discourse: DiscourseSender | None,
) -> str:
    """Why a message was not sent, in a few words for the person who ran the command."""
    if message.status == FAILED:
        return f"gave up: {message.last_error}"
    if message.channel in missing and not _configured(message, slack, discourse):
        return missing[message.channel]
    if message.status == SENDING:
        return "being sent by another process"
    last = message.last_error or "not sent yet"
    return f"{last}; next try {message.next_attempt_at:%H:%M:%S} UTC"
