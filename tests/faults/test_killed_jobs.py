"""The monthly shout-out, the standing job and the outbox worker killed (SIGKILL) while
they deliver: after a restart nothing is lost, nothing doubled, and the job is done.

Real ``creditbot`` processes on a SQLite file, talking to the Slack and forum stand-ins
through a proxy that picks the moment: it holds a chosen call (the process waits for an
answer that never comes, and is killed there) or lets the forum accept a call and never
answers. Each job writes its effects, its outbox messages and "done" in one transaction,
then delivers; so the kill always lands in the delivery. The restart is ``creditbot
serve``, whose outbox worker takes over a dead process's messages once their lease
(here 1 s) has run out.

SQLite only: the same kills on PostgreSQL, with several replicas, are in
tests/scenario/replicas; the import's kill runs on both (test_killed_import.py).
"""

from __future__ import annotations

import signal
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from storage.repositories.outbox import OutboxMessage
from storage.tables import JobRunRow, PublishedReportRow, StandingStepRow, columns
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import partner_rules
from tests.support.builders.shoutout import give
from tests.support.clock import FixedClock
from tests.support.concurrency import wait_for
from tests.support.delivery import arrivals
from tests.support.months import OCT
from tests.support.processes import Creditbot
from tests.support.proxies import HOLD, LOSE_ANSWER, Proxy
from tests.support.sqlite import sqlite_runtime

SHOUT = "C01SHOUT"
_run = columns(JobRunRow)


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    """Partners judged on 10 points a month; a dead process's claim is taken over after 1 s."""
    config_data["outbox"] = {"lease_seconds": 1, "poll_seconds": 0.2, "slack_interval_seconds": 0}
    config_data["shoutout"] = {"draft_hours_before": 0}
    return partner_rules(config_data)


@pytest.fixture
def runtime(tmp_path: Path, config_data: dict[str, Any], clock: FixedClock) -> Iterator[Runtime]:
    runtime = sqlite_runtime(tmp_path, config_data, clock)
    yield runtime
    runtime.close()


def _outbox(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.reader() as uow:
        return sorted(uow.outbox.list(limit=1000), key=lambda m: m.id)


def _all_sent(runtime: Runtime) -> bool:
    messages = _outbox(runtime)
    return bool(messages) and all(m.status == "sent" for m in messages)


def _count(runtime: Runtime, model: type, *where: object) -> int:
    with runtime.reader() as uow:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(uow.session.execute(query).scalar_one())


def _is_post(name: str, params: dict[str, Any]) -> bool:
    return name == "chat.postMessage"


def test_the_shoutout_killed_while_the_forum_takes_its_topic_is_finished_once_after_restart(
    runtime: Runtime,
    creditbot: Creditbot,
    slack_api: SlackApiStandIn,
    forum: StandinDiscourse,
    make_proxy: Any,
) -> None:
    give(runtime, "Alice Martin", OCT, 5)
    give(runtime, "Bob Chen", OCT, 6)
    forum_proxy: Proxy = make_proxy(forum.url)
    # The forum creates the topic; the answer never comes back: the process is killed
    # after the forum did its part and before the bot could record it.
    forum_proxy.lose_answer(lambda name, params: name == "POST /posts")
    creditbot.point_at(slack=slack_api.url, forum=forum_proxy.base)

    job = creditbot.start("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    wait_for("the forum to take the topic", lambda: forum_proxy.seen(fate=LOSE_ANSWER) != [])
    assert job.kill() == -signal.SIGKILL
    assert len(slack_api.posts_to(SHOUT)) == 1  # the Slack post went out before the topic
    assert len(forum.calls("/posts", method="POST")) == 1

    # Running it again is safe: the month is published, nothing is posted again.
    again = creditbot.run("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert again.returncode == 0, again.stderr
    assert again.stdout.startswith("monthly-shoutout already ran for 2026-10")
    # ...and says that the topic is still to be sent, and by whom.
    assert "the outbox still has 1 message to send: `creditbot serve` sends them" in again.stdout

    # The restart: the worker of `serve` finishes the delivery; the topic is found by
    # its external id, not created again.
    serve = creditbot.serve()
    wait_for("the outbox to be delivered", lambda: _all_sent(runtime))
    assert serve.stop() == 0, serve.output()[-3000:]

    (post,) = slack_api.posts_to(SHOUT)
    assert post["text"].startswith("Contributions in October 2026")
    topics = [t for t in forum.topics.values() if t.external_id == "creditbot-shoutout-2026-10"]
    assert len(topics) == 1
    assert len(forum.calls("/posts", method="POST")) == 1
    with runtime.reader() as uow:
        topic = uow.outbox.by_key("shoutout:discourse:5:2026-10")
    assert topic is not None and topic.sent_ref == str(topics[0].id)
    assert _count(runtime, JobRunRow, _run.job == "monthly-shoutout", _run.status == "done") == 1
    assert _count(runtime, PublishedReportRow) == 1


def test_the_standing_job_and_then_the_outbox_worker_killed_mid_delivery_send_each_dm_once(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn, make_proxy: Any
) -> None:
    slack_proxy: Proxy = make_proxy(slack_api.base)
    creditbot.point_at(slack=slack_proxy.slack_url)
    # Nobody met the minimum in October: a warning to each partner's contacts (two at
    # Acme, one at Beta) and a summary to the programme manager, four direct messages.
    slack_proxy.hold(_is_post, after=1)  # the second one never reaches Slack

    job = creditbot.start("jobs", "run", "standing", "--month", "2026-10")
    wait_for("the second message", lambda: len(slack_proxy.seen(fate=HOLD)) == 1)
    assert job.kill() == -signal.SIGKILL
    messages = _outbox(runtime)
    assert [m.kind for m in messages] == ["dm"] * 4
    assert [arrivals(m, slack_api) for m in messages] == [1, 0, 0, 0]

    # The first restart's worker takes over the dead job's messages, and is killed in
    # turn while it sends the third one.
    beta = "D" + messages[2].target[1:]
    slack_proxy.hold(lambda name, p: name == "chat.postMessage" and p.get("channel") == beta)
    first = creditbot.serve()
    wait_for("the third message", lambda: len(slack_proxy.seen(fate=HOLD)) == 2)
    assert first.kill() == -signal.SIGKILL
    assert [arrivals(m, slack_api) for m in messages] == [1, 1, 0, 0]

    # The second restart delivers the rest.
    second = creditbot.serve()
    wait_for("the outbox to be delivered", lambda: _all_sent(runtime))
    assert second.stop() == 0, second.output()[-3000:]

    messages = _outbox(runtime)
    assert [arrivals(m, slack_api) for m in messages] == [1, 1, 1, 1]
    assert sorted(m.target for m in messages) == ["U01ACME", "U01BETA", "U01PM", "U02ACME"]
    assert _count(runtime, JobRunRow, _run.job == "standing", _run.status == "done") == 1
    assert _count(runtime, StandingStepRow) == 2  # one step per partner, recorded once
