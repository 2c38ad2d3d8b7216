"""Slack (and the forum) failing while the bot has things to say: everything arrives, once,
except in the one case nothing can tell apart.

Already covered elsewhere: a 429 storm and 500s on the shout-out's post
(tests/scenario/shoutout), one failed question post and failing reads
(tests/scenario/slack/test_web_api.py), the worker's back-off and parking with fake
gateways (tests/integration/outbox). Here: a longer outage on every kind of message the
running app sends (questions, then the updates showing decisions), and an answer lost
on the way back after Slack or the forum accepted the call.

**The residual case.** When Slack accepts a ``chat.postMessage`` but its answer never
arrives (the connection drops, or the process dies between the call and recording it),
nothing on our side can tell the post from one that never arrived: Slack has no
idempotency key for posts, so the outbox sends it again and it shows twice. The outbox
narrows this to exactly that case, and to one extra copy:

- a message is recorded as sent in its own transaction right after the call, so only
  the message in flight at the moment of the failure is ever sent again;
- the gateway never repeats a post by itself (no retry of ``chat.postMessage`` on a 5xx
  or a network error inside the call; a 429 is retried because it is never a post), so
  each lost answer costs at most one copy;
- a claim left by a dead worker is only taken over once its lease has run out, never
  while the first worker may still record its result;
- messages to the same place wait behind the one being retried, so the order is kept.

For forum topics the window is closed: each carries an ``external_id`` that is looked
up before creating it again, so the topic whose answer was lost is found, not doubled.

SQLite only: nothing here depends on the database beyond the claims, which the
concurrent tests exercise on both.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest

from bot.discourse.gateway import make_discourse_gateway
from bot.jobs.registry import JOBS
from bot.jobs.runs import RunStatus, run_job
from bot.outbox.worker import deliver_due
from bot.runtime import Runtime
from bot.slack.gateway import WebClientSlackGateway
from scoring.suggestions import SuggestionStatus
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.shoutout import give
from tests.support.clock import FixedClock
from tests.support.delivery import run_outbox_worker
from tests.support.months import OCT
from tests.support.proxies import Proxy
from tests.support.serving import RunningApp
from tests.support.slack import BOT_TOKEN, answer_body, payload
from tests.support.sqlite import sqlite_runtime
from tests.support.wiring import wired

HELP, SHOUT = "C0HELP", "C01SHOUT"


@pytest.fixture
def runtime(tmp_path: Path, config_data: dict[str, Any], clock: FixedClock) -> Iterator[Runtime]:
    runtime = sqlite_runtime(tmp_path, config_data, clock)
    yield runtime
    runtime.close()


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["outbox"] = {"slack_interval_seconds": 0}
    return config_data


def _ts(n: int) -> str:
    return f"{1793300000 + n}.000100"


def thank(app: RunningApp, slack_api: SlackApiStandIn, n: int) -> None:
    """Thread ``n`` in #help: Dmitri asks, Alice answers, Dmitri thanks her."""
    parent, answer, thanks = _ts(10 * n), _ts(10 * n + 1), _ts(10 * n + 2)
    slack_api.add_message(HELP, parent, "U0DMITRI", f"Question {n}: where are the logs?")
    slack_api.add_message(HELP, answer, "U0ALICE", f"Answer {n}: in /var/log/app", thread_ts=parent)
    envelope = payload("event_message_thread_reply")
    envelope["event_id"] = f"Ev0OUTAGE{n:04d}"
    envelope["event"].update(ts=thanks, event_ts=thanks, thread_ts=parent)
    envelope["event"].pop("blocks")
    assert app.event(envelope).status_code == 200


def _waiting(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        return len(uow.outbox.list(["pending", "sending"]))


def _rounds_until_sent(runtime: Runtime, clock: FixedClock, slack: Any) -> int:
    """The worker's rounds, a minute apart on the clock, until the outbox is empty."""
    rounds = 0
    while _waiting(runtime):
        rounds += 1
        assert rounds <= 30, "the outbox did not empty"
        clock.set(clock.now + timedelta(minutes=1))
        run_outbox_worker(runtime, slack)
    return rounds


def test_an_outage_of_429s_and_500s_delivers_every_question_and_decision_once_in_order(
    live_app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    runtime, gateway = live_app.runtime, live_app.slack.gateway
    # Slack rate-limits posts for longer than a request may wait (the outbox waits
    # instead, without using up a try), then answers 500 for a while.
    slack_api.fail("chat.postMessage", 429, times=3, retry_after=45)
    slack_api.fail("chat.postMessage", 500, times=4)
    for n in range(5):
        thank(live_app, slack_api, n)
    assert _waiting(runtime) == 5  # nothing lost: all five wait in the outbox
    assert _rounds_until_sent(runtime, clock, gateway) >= 2

    posts = slack_api.calls_to("chat.postMessage")
    refused = 3 + 4
    arrived = [p["text"] for p in posts[refused:]]
    assert len(arrived) == 5  # each question once...
    for n, text in enumerate(arrived):  # ...in the order they were asked
        assert f"Answer {n}: in /var/log/app" in text
    with runtime.reader() as uow:
        questions = [uow.suggestions.for_message(HELP, _ts(10 * n + 1)) for n in range(5)]
        sent = {m.key: m.sent_ref for m in uow.outbox.list(["sent"])}
    assert all(q is not None for q in questions)

    # The decisions: updating the questions fails (500s, more than the gateway's own
    # two retries of an update), and they wait their turn in the outbox too.
    slack_api.clear()
    slack_api.fail("chat.update", 500, times=3)
    for question in questions:
        assert question is not None
        ts = sent[f"question:{HELP}:{question.message_ts}"]
        assert ts is not None
        body = answer_body(question.id, "U01LEAD", kind="docs", question_ts=ts)
        assert live_app.action(body).status_code == 200
    _rounds_until_sent(runtime, clock, gateway)

    updates = slack_api.calls_to("chat.update")
    assert len(updates) == 3 + 5  # three refused, then each question's update once
    assert sorted(u["ts"] for u in updates[3:]) == sorted(str(ts) for ts in sent.values())
    assert all("credited" in u["text"].lower() for u in updates[3:])
    with runtime.reader() as uow:
        decided = [uow.suggestions.get(q.id) for q in questions if q is not None]
        failed = uow.outbox.list(["failed"])
    assert [d.status for d in decided if d] == [SuggestionStatus.ACCEPTED] * 5
    assert failed == []
    assert slack_api.calls_to("chat.postEphemeral") == []  # nobody was told of a failure


def test_a_post_whose_answer_is_lost_is_the_only_message_that_can_arrive_twice(
    runtime: Runtime,
    slack_api: SlackApiStandIn,
    forum: StandinDiscourse,
    make_proxy: Any,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    slack_proxy: Proxy = make_proxy(slack_api.base)
    forum_proxy: Proxy = make_proxy(forum.url)
    live = wired(runtime, slack_proxy.slack_url, forum_proxy.base)
    slack = WebClientSlackGateway(BOT_TOKEN, slack_proxy.slack_url)
    discourse = make_discourse_gateway(live.settings)
    give(live, "Alice Martin", OCT, 5)
    give(live, "Bob Chen", OCT, 3)
    assert run_job(live, JOBS["monthly-shoutout"], "2026-10", "me").status == RunStatus.DONE
    # Two more posts to the shout-out channel wait behind it.
    with live.uow() as uow:
        for n in (1, 2):
            uow.outbox.enqueue(
                f"later-{n}", "slack", "post", SHOUT, {"text": f"later {n}"}, clock.now
            )
        uow.commit()

    # Slack and the forum accept the shout-out, and the answers are lost on the way back.
    slack_proxy.reset_after(lambda name, p: name == "chat.postMessage", times=1)
    forum_proxy.reset_after(lambda name, p: name == "POST /posts", times=1)
    first = deliver_due(live, slack, discourse, clock.now)
    assert first.sent == []
    assert sorted(u.key for u in first.retrying) == [
        "shoutout:discourse:5:2026-10",
        "shoutout:slack:C01SHOUT:2026-10",
    ]
    assert "could not reach Slack" in caplog.text  # logged, with what will happen next

    clock.set(clock.now + timedelta(minutes=5))
    run_outbox_worker(live, slack, discourse)  # the worker's next rounds

    # The shout-out reached Slack twice (the residual case), everything else once, in order.
    texts = [p["text"] for p in slack_api.posts_to(SHOUT)]
    assert len(texts) == 4
    assert texts[0] == texts[1] and texts[0].startswith("Contributions in October 2026")
    assert texts[2:] == ["later 1", "later 2"]
    # The forum topic was found by its external id, not created again.
    topics = [t for t in forum.topics.values() if t.external_id == "creditbot-shoutout-2026-10"]
    assert len(topics) == 1
    assert len(forum.calls("/posts", method="POST")) == 1
    with live.reader() as uow:
        shoutout = uow.outbox.by_key("shoutout:slack:C01SHOUT:2026-10")
        topic = uow.outbox.by_key("shoutout:discourse:5:2026-10")
    assert shoutout is not None and topic is not None
    assert (shoutout.status, shoutout.attempts) == ("sent", 1)
    assert (topic.status, topic.sent_ref) == ("sent", str(topics[0].id))
    accepted = slack_proxy.accepted("chat.postMessage")
    assert shoutout.sent_ref == accepted[1].answer["ts"]  # the copy whose answer came back
