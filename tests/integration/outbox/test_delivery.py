"""The delivery worker with fake gateways: once, in order, paced, retried, parked."""

from __future__ import annotations

import random
from datetime import timedelta

import pytest

from bot.outbox.drain import deliver_keys
from bot.outbox.worker import Pacer, deliver_due
from bot.runtime import Runtime
from tests.integration.outbox.fakes import (
    ClockSleep,
    FakeDiscourse,
    FakeSlack,
    rate_limited,
    refused,
    server_error,
)
from tests.support.clock import FixedClock


def post(runtime: Runtime, key: str, channel: str = "C01SHOUT") -> None:
    with runtime.uow() as uow:
        uow.outbox.enqueue(
            key, "slack", "post", channel, {"text": key, "blocks": []}, runtime.now()
        )
        uow.commit()


def topic(runtime: Runtime, key: str, external_id: str) -> None:
    with runtime.uow() as uow:
        payload = {"title": "Contributions in October", "raw": "...", "external_id": external_id}
        uow.outbox.enqueue(key, "discourse", "topic", "5", payload, runtime.now())
        uow.commit()


def status(runtime: Runtime, key: str) -> tuple[str, str | None, int]:
    with runtime.reader() as uow:
        message = uow.outbox.by_key(key)
    assert message is not None
    return message.status, message.sent_ref, message.attempts


@pytest.fixture
def sleep(clock: FixedClock) -> ClockSleep:
    return ClockSleep(clock)


@pytest.fixture
def pacer(sleep: ClockSleep) -> Pacer:
    return Pacer(1.0, sleep=sleep, monotonic=sleep.monotonic)


def test_each_message_is_sent_once_and_its_slack_ts_recorded(
    runtime: Runtime, pacer: Pacer
) -> None:
    slack = FakeSlack()
    post(runtime, "one")
    first = deliver_due(runtime, slack, None, runtime.now(), pacer=pacer)
    again = deliver_due(runtime, slack, None, runtime.now(), pacer=pacer)
    assert [d.key for d in first.sent] == ["one"]
    assert again.nothing_done
    assert slack.posts == [("C01SHOUT", "one")]
    assert status(runtime, "one") == ("sent", "1700000001.000100", 0)


def test_posts_to_one_channel_are_about_a_second_apart_and_other_channels_do_not_wait(
    runtime: Runtime, pacer: Pacer, sleep: ClockSleep
) -> None:
    for key in ("a1", "a2", "a3"):
        post(runtime, key, "C1")
    post(runtime, "b1", "C2")
    deliver_due(runtime, FakeSlack(), None, runtime.now(), pacer=pacer)
    assert sleep.waits == [1.0, 1.0]


def test_a_429_storm_delivers_everything_once_in_order(
    runtime: Runtime, clock: FixedClock, pacer: Pacer
) -> None:
    slack = FakeSlack(failures=[rate_limited(30), rate_limited(30), rate_limited(30)])
    for key in ("first", "second", "third"):
        post(runtime, key)
    rounds = 0
    while len(slack.posts) < 3 and rounds < 10:
        deliver_due(runtime, slack, None, clock.now, pacer=pacer)
        clock.set(clock.now + timedelta(seconds=31))
        rounds += 1
    assert [text for _, text in slack.posts] == ["first", "second", "third"]
    assert slack.calls == 6  # three refusals, three posts: nothing else was tried meanwhile
    assert status(runtime, "first")[2] == 0  # rate limits do not use up tries


def test_server_errors_are_retried_with_back_off_and_the_rest_waits_its_turn(
    runtime: Runtime, clock: FixedClock, pacer: Pacer
) -> None:
    slack = FakeSlack(failures_in={"C01SHOUT": [server_error(), server_error()]})
    post(runtime, "first")
    post(runtime, "second")
    post(runtime, "other channel", "C2")
    result = deliver_due(runtime, slack, None, clock.now, pacer=pacer, rng=random.Random(1))
    assert [d.key for d in result.sent] == ["other channel"]
    assert result.released == ["second"]
    # not due yet: nothing happens
    assert deliver_due(runtime, slack, None, clock.now, pacer=pacer).nothing_done
    for _ in range(5):
        clock.set(clock.now + timedelta(minutes=5))
        deliver_due(runtime, slack, None, clock.now, pacer=pacer, rng=random.Random(1))
    assert [text for _, text in slack.posts] == ["other channel", "first", "second"]
    assert status(runtime, "first") == ("sent", "1700000002.000100", 2)


def test_a_message_that_keeps_failing_is_parked_and_the_next_one_goes(
    runtime: Runtime, clock: FixedClock, pacer: Pacer, config_data: dict[str, object]
) -> None:
    slack = FakeSlack(failures=[server_error() for _ in range(8)])
    post(runtime, "doomed")
    post(runtime, "next")
    for _ in range(12):
        deliver_due(runtime, slack, None, clock.now, pacer=pacer)
        clock.set(clock.now + timedelta(hours=2))
    assert status(runtime, "doomed")[0] == "failed"
    assert status(runtime, "doomed")[2] == runtime.config.outbox.max_attempts
    assert [text for _, text in slack.posts] == ["next"]


def test_a_permanent_refusal_parks_the_message_at_once(runtime: Runtime, pacer: Pacer) -> None:
    slack = FakeSlack(failures=[refused("not_in_channel")])
    post(runtime, "a")
    result = deliver_due(runtime, slack, None, runtime.now(), pacer=pacer)
    assert [f.key for f in result.failed] == ["a"]
    assert status(runtime, "a")[0] == "failed"


def test_a_topic_created_by_a_try_whose_answer_was_lost_is_found_not_created_again(
    runtime: Runtime, clock: FixedClock, pacer: Pacer
) -> None:
    forum = FakeDiscourse()
    topic(runtime, "shoutout:discourse:5:2026-10", "creditbot-shoutout-2026-10")
    with runtime.uow() as uow:
        uow.outbox.claim_due("a worker that dies", clock.now, lease_seconds=60)
        uow.commit()
    forum.create_topic("Contributions in October", "...", 5, "creditbot-shoutout-2026-10")
    clock.set(clock.now + timedelta(minutes=2))
    result = deliver_due(runtime, None, forum, clock.now, pacer=pacer)
    assert [d.ref for d in result.sent] == ["500"]
    assert forum.created == 1


def test_a_service_that_is_not_configured_keeps_its_messages_waiting(
    runtime: Runtime, clock: FixedClock, sleep: ClockSleep
) -> None:
    post(runtime, "slack one")
    topic(runtime, "forum one", "ext-1")
    drained = deliver_keys(
        runtime,
        FakeSlack(),
        None,
        ["slack one", "forum one"],
        missing={"discourse": "DISCOURSE_URL is not set; it is needed for the Discourse API"},
        sleep=sleep,
    )
    assert [d.key for d in drained.sent] == ["slack one"]
    assert [(u.key, u.error) for u in drained.undelivered] == [
        ("forum one", "DISCOURSE_URL is not set; it is needed for the Discourse API")
    ]
    assert status(runtime, "forum one")[0] == "pending"


def test_delivering_a_runs_messages_waits_out_a_rate_limit_then_returns(
    runtime: Runtime, sleep: ClockSleep
) -> None:
    slack = FakeSlack(failures=[rate_limited(20)])
    post(runtime, "mine")
    post(runtime, "not mine", "C9")
    drained = deliver_keys(runtime, slack, None, ["mine"], sleep=sleep)
    assert [d.key for d in drained.sent] == ["mine"]
    assert drained.undelivered == []
    assert sleep.waits == [20.0]
    assert slack.posts == [("C01SHOUT", "mine")]


def test_delivering_gives_up_waiting_after_max_wait_and_says_why(
    runtime: Runtime, sleep: ClockSleep
) -> None:
    slack = FakeSlack(failures=[rate_limited(600)])
    post(runtime, "mine")
    drained = deliver_keys(runtime, slack, None, ["mine"], sleep=sleep, max_wait=60)
    assert drained.sent == []
    (left,) = drained.undelivered
    assert "ratelimited" in left.error and "next try" in left.error
    assert sleep.waits == []
