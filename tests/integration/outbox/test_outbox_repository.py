"""The outbox table: keys, claims, retries and parking, on a real database."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta

import pytest

from bot.runtime import Runtime
from storage.repositories.outbox import OutboxMessage, retry_delay
from tests.support.clock import FixedClock


def enqueue(runtime: Runtime, key: str, target: str = "C01SHOUT", channel: str = "slack") -> bool:
    with runtime.uow() as uow:
        added = uow.outbox.enqueue(
            key, channel, "post", target, {"text": key, "blocks": []}, runtime.now()
        )
        uow.commit()
    return added


def claim(runtime: Runtime, owner: str, at: datetime | None = None) -> list[OutboxMessage]:
    with runtime.uow() as uow:
        taken = uow.outbox.claim_due(owner, at or runtime.now(), lease_seconds=60)
        uow.commit()
    return taken


def test_a_key_is_written_once_and_the_second_enqueue_changes_nothing(runtime: Runtime) -> None:
    assert enqueue(runtime, "shoutout:slack:C01SHOUT:2026-10")
    with runtime.uow() as uow:
        again = uow.outbox.enqueue(
            "shoutout:slack:C01SHOUT:2026-10", "slack", "post", "C99", {"text": "x"}, runtime.now()
        )
        uow.commit()
        messages = uow.outbox.list()
    assert again is False
    assert [(m.target, m.payload["text"]) for m in messages] == [
        ("C01SHOUT", "shoutout:slack:C01SHOUT:2026-10")
    ]


def test_two_workers_never_take_the_same_message(runtime: Runtime) -> None:
    enqueue(runtime, "a", target="C1")
    enqueue(runtime, "b", target="C2")
    first = claim(runtime, "worker-1")
    second = claim(runtime, "worker-2")
    assert [m.key for m in first] == ["a", "b"]
    assert second == []


def test_a_claim_whose_worker_died_is_taken_again_after_its_lease(
    runtime: Runtime, clock: FixedClock
) -> None:
    enqueue(runtime, "a")
    claim(runtime, "worker-1")
    assert claim(runtime, "worker-2", clock.now + timedelta(seconds=59)) == []
    taken = claim(runtime, "worker-2", clock.now + timedelta(seconds=61))
    assert [(m.key, m.claimed_by, m.resumed) for m in taken] == [("a", "worker-2", True)]


def test_a_message_waits_behind_an_earlier_one_to_the_same_target(
    runtime: Runtime, clock: FixedClock
) -> None:
    enqueue(runtime, "first", target="C1")
    enqueue(runtime, "second", target="C1")
    enqueue(runtime, "elsewhere", target="C2")
    (first, *_rest) = claim(runtime, "w")
    with runtime.uow() as uow:
        uow.outbox.release(_rest[0].id, "w")
        uow.outbox.release(_rest[1].id, "w")
        uow.outbox.mark_retry(first.id, "HTTP 500", clock.now, rng=random.Random(1))
        uow.commit()
    assert [m.key for m in claim(runtime, "w")] == ["elsewhere"]


def test_failed_tries_back_off_then_the_message_is_parked_loudly(
    runtime: Runtime, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    enqueue(runtime, "a")
    (message,) = claim(runtime, "w")
    delays = []
    with runtime.uow() as uow:
        for _ in range(3):
            record = uow.outbox.mark_retry(
                message.id, "HTTP 503", clock.now, max_attempts=4, rng=random.Random(7)
            )
            delays.append((record.next_attempt_at - clock.now).total_seconds())
        with caplog.at_level(logging.ERROR, logger="creditbot.outbox"):
            parked = uow.outbox.mark_retry(message.id, "HTTP 503", clock.now, max_attempts=4)
        uow.commit()
    assert delays[0] < delays[1] < delays[2]
    assert (parked.status, parked.attempts) == ("failed", 4)
    assert "gave up after 4 tries: HTTP 503" in (parked.last_error or "")
    assert "parked" in caplog.text and "creditbot outbox retry" in caplog.text
    assert claim(runtime, "w", clock.now + timedelta(days=30)) == []


def test_a_rate_limit_waits_what_the_service_asked_without_using_up_a_try(
    runtime: Runtime, clock: FixedClock
) -> None:
    enqueue(runtime, "a")
    (message,) = claim(runtime, "w")
    with runtime.uow() as uow:
        record = uow.outbox.mark_retry(
            message.id, "ratelimited", clock.now, retry_after=42, count_attempt=False
        )
        uow.commit()
    assert record.attempts == 0
    assert record.next_attempt_at == clock.now + timedelta(seconds=42)


def test_a_parked_message_is_put_back_by_hand(runtime: Runtime, clock: FixedClock) -> None:
    enqueue(runtime, "a")
    enqueue(runtime, "b", target="C2")
    for m in claim(runtime, "w"):
        with runtime.uow() as uow:
            uow.outbox.mark_failed(m.id, "channel_not_found")
            uow.commit()
    with runtime.uow() as uow:
        first = uow.outbox.by_key("a")
        assert first is not None
        assert uow.outbox.retry(first.id, clock.now) is True
        assert uow.outbox.retry(first.id, clock.now) is False  # not parked any more
        assert uow.outbox.retry_all(clock.now) == 1
        uow.commit()
        assert uow.outbox.counts() == {"pending": 2}


def test_back_off_grows_and_is_capped_and_jittered() -> None:
    rng = random.Random(3)
    assert retry_delay(1, 12.5) == 12.5
    first = [retry_delay(1, None, rng) for _ in range(50)]
    assert 2.5 <= min(first) < max(first) <= 5
    assert retry_delay(30, None, rng) <= 3600
