"""The monthly shout-out end to end: from the ledger to the Slack channel and the forum,
through the outbox, once, whatever fails on the way."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot.gateways import Gateways
from bot.jobs.registry import JOBS
from bot.jobs.runs import RunStatus, run_job
from bot.jobs.scheduler import build_scheduler
from bot.outbox.worker import Pacer, deliver_due
from bot.runtime import Runtime
from storage.engine import make_engine
from tests.integration.outbox.fakes import ClockSleep
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.shoutout import give, september_and_october
from tests.support.cli import Cli
from tests.support.clock import FixedClock
from tests.support.discourse import shoutout_topics
from tests.support.months import OCT, SEP
from tests.support.slack import shoutout_posts


def block_texts(post: dict[str, object]) -> str:
    blocks = post["blocks"]
    assert isinstance(blocks, list)
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] == "section")


def test_the_shoutout_is_posted_in_slack_and_on_the_forum(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    september_and_october(runtime)
    result = cli("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert result.code == 0, result.err
    assert "sent shoutout:slack:C01SHOUT:2026-10 (1793600000.000001)" in result.out
    assert "sent shoutout:discourse:5:2026-10 (9001)" in result.out

    (post,) = shoutout_posts(slack)
    assert post["text"].startswith("Contributions in October 2026: thank you to the 5")
    assert post["blocks"][0]["text"]["text"] == ":tada: Contributions in October 2026"
    assert "2. <@U01BOB> — *6* points · Beta Pedagogy" in block_texts(post)

    (topic,) = shoutout_topics(forum)
    assert (topic.title, topic.category_id, topic.external_id) == (
        "Contributions in October 2026: thank you!",
        5,
        "creditbot-shoutout-2026-10",
    )
    raw = forum.calls("/posts", method="POST")[0].form["raw"][0]
    assert "| 3 | @alice | Acme Learning | 5 |" in raw

    listed = cli("outbox", "list", "--all")
    assert "sent 20" in listed.out and "(1793600000.000001)" in listed.out
    assert "(9001)" in listed.out


def test_a_second_run_for_the_same_month_posts_nothing(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    september_and_october(runtime)
    assert cli("jobs", "run", "monthly-shoutout", "--month", "2026-10").code == 0
    again = cli("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert again.code == 0
    assert "already ran for 2026-10" in again.out
    assert "outbox" not in again.out  # everything went out the first time
    assert len(shoutout_posts(slack)) == 1
    assert len(shoutout_topics(forum)) == 1
    assert len(forum.calls("/posts", method="POST")) == 1


def test_a_month_with_nothing_gets_a_short_friendly_post(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    result = cli("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert result.code == 0, result.err
    (post,) = shoutout_posts(slack)
    assert post["text"] == "Contributions in October 2026: a quiet month, nothing was credited."
    assert "a quiet month" in block_texts(post)
    (topic,) = shoutout_topics(forum)
    assert topic.title == "Contributions in October 2026: a quiet month"


def test_a_crash_between_writing_and_delivering_is_delivered_once_after_restart(
    runtime: Runtime,
    slack: SlackApiStandIn,
    forum: StandinDiscourse,
    gateways: Gateways,
    wired: Runtime,
    clock: FixedClock,
) -> None:
    september_and_october(runtime)
    # The run commits its record and outbox rows, then the process dies before delivering.
    assert run_job(runtime, JOBS["monthly-shoutout"], "2026-10", "dying").status == RunStatus.DONE
    assert shoutout_posts(slack) == [] and shoutout_topics(forum) == []
    runtime.close()

    # A fresh process on the same database: the worker delivers it, once.
    restarted = Runtime(
        wired.settings, wired.config, make_engine(wired.settings.database_url), clock
    )
    try:
        first = deliver_due(restarted, gateways.slack, gateways.discourse, clock.now)
        second = deliver_due(restarted, gateways.slack, gateways.discourse, clock.now)
        again = run_job(restarted, JOBS["monthly-shoutout"], "2026-10", "restarted")
    finally:
        restarted.close()
    assert sorted(d.key for d in first.sent) == [
        "shoutout:discourse:5:2026-10",
        "shoutout:slack:C01SHOUT:2026-10",
    ]
    assert second.nothing_done
    assert again.status == RunStatus.ALREADY_DONE
    assert len(shoutout_posts(slack)) == 1
    assert len(shoutout_topics(forum)) == 1


def test_a_topic_created_just_before_a_crash_is_not_created_again(
    wired: Runtime,
    forum: StandinDiscourse,
    gateways: Gateways,
    clock: FixedClock,
) -> None:
    give(wired, "Alice Martin", OCT, 5)
    run_job(wired, JOBS["monthly-shoutout"], "2026-10", "me")
    with wired.uow() as uow:  # a worker claims the topic, creates it, and dies unrecorded
        (claimed,) = [
            m
            for m in uow.outbox.claim_due("dead worker", clock.now, lease_seconds=60)
            if m.channel == "discourse"
        ]
        uow.commit()
    assert gateways.discourse is not None
    gateways.discourse.create_topic(
        claimed.payload["title"], claimed.payload["raw"], 5, claimed.payload["external_id"]
    )
    clock.set(clock.now + timedelta(minutes=5))
    result = deliver_due(wired, None, gateways.discourse, clock.now)
    assert [d.ref for d in result.sent] == ["9001"]
    assert len(forum.calls("/posts", method="POST")) == 1


def test_a_429_storm_and_server_errors_from_slack_still_deliver_each_post_once_in_order(
    wired: Runtime,
    slack: SlackApiStandIn,
    gateways: Gateways,
    clock: FixedClock,
    sleep: ClockSleep,
) -> None:
    give(wired, "Alice Martin", SEP, 5)
    give(wired, "Bob Chen", OCT, 6)
    for period in ("2026-09", "2026-10"):  # two shout-outs waiting for the same channel
        clock.set(datetime(2026, 11, 1, 9, tzinfo=UTC))
        run_job(wired, JOBS["monthly-shoutout"], period, "me")
    # Slack asks to wait 45 s three times (longer than the gateway waits by itself),
    # then fails twice with a 500.
    slack.fail("chat.postMessage", 429, times=3, retry_after=45)
    slack.fail("chat.postMessage", 500, times=2)
    pacer = Pacer(1.0, sleep=sleep, monotonic=sleep.monotonic)
    rounds = 0
    while rounds < 30:
        deliver_due(wired, gateways.slack, None, clock.now, pacer=pacer)
        with wired.reader() as uow:
            waiting = [m for m in uow.outbox.list(["pending", "sending"]) if m.channel == "slack"]
        if not waiting:
            break
        clock.set(clock.now + timedelta(seconds=50))
        rounds += 1

    calls = slack.calls_to("chat.postMessage")
    assert len(calls) == 3 + 2 + 2  # each refusal once, then each post once
    delivered = [c["text"] for c in calls[5:]]
    assert delivered[0].startswith("Contributions in September 2026")
    assert delivered[1].startswith("Contributions in October 2026")
    with wired.reader() as uow:
        september = uow.outbox.by_key("shoutout:slack:C01SHOUT:2026-09")
        october = uow.outbox.by_key("shoutout:slack:C01SHOUT:2026-10")
    assert september is not None and october is not None
    assert (september.status, september.attempts) == ("sent", 2)  # the 500s; 429s are free
    assert (october.status, october.attempts) == ("sent", 0)
    assert september.sent_ref == "1793600000.000001"
    assert october.sent_ref == "1793600000.000002"


def test_a_missed_first_of_the_month_is_caught_up_once_on_start_up(
    wired: Runtime,
    slack: SlackApiStandIn,
    forum: StandinDiscourse,
    gateways: Gateways,
    clock: FixedClock,
) -> None:
    give(wired, "Alice Martin", SEP, 5)
    clock.set(datetime(2026, 10, 1, 9, 0, tzinfo=UTC))
    scheduler = build_scheduler(wired, gateways)
    scheduler.catch_up()  # September's, on time
    assert len(shoutout_posts(slack)) == 1

    # Down from 31 October to 3 November: October's 1 November run never happened.
    give(wired, "Bob Chen", OCT, 6)
    clock.set(datetime(2026, 11, 3, 10, 0, tzinfo=UTC))
    restarted = build_scheduler(wired, gateways)
    restarted.catch_up()
    restarted.catch_up()  # the periodic check later that day: nothing more
    build_scheduler(wired, gateways, owner="another replica").catch_up()

    posts = shoutout_posts(slack)
    assert [p["text"].split(":")[0] for p in posts] == [
        "Contributions in September 2026",
        "Contributions in October 2026",
    ]
    assert [t.external_id for t in shoutout_topics(forum)] == [
        "creditbot-shoutout-2026-09",
        "creditbot-shoutout-2026-10",
    ]
    # The draft for October was due on 1 November at 08:00: too late, so none was sent.
    drafts = [c for c in slack.calls_to("chat.postMessage") if c["text"].startswith("Draft")]
    assert drafts == []


def test_programme_managers_receive_the_draft_privately_before_the_post(
    wired: Runtime, slack: SlackApiStandIn, gateways: Gateways, clock: FixedClock
) -> None:
    give(wired, "Alice Martin", OCT, 5)
    clock.set(datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    build_scheduler(wired, gateways).catch_up()
    (draft,) = [c for c in slack.calls_to("chat.postMessage") if c["text"].startswith("Draft")]
    assert draft["channel"] == "D01PM"  # the IM opened with U01PM
    assert {"users": "U01PM"} in slack.calls_to("conversations.open")
    assert draft["text"].startswith("Draft of the October 2026 shout-out")
    assert shoutout_posts(slack) == []


def test_the_started_scheduler_catches_up_at_once_and_delivers(
    wired: Runtime, slack: SlackApiStandIn, gateways: Gateways, clock: FixedClock
) -> None:
    give(wired, "Alice Martin", OCT, 5)
    clock.set(datetime(2026, 11, 1, 9, 30, tzinfo=UTC))  # started just after the post time
    scheduler = build_scheduler(wired, gateways)
    scheduler.start()
    try:
        posted = wait_until(lambda: len(shoutout_posts(slack)) == 1)
    finally:
        scheduler.shutdown(wait=True)
    assert posted
    assert shoutout_posts(slack)[0]["text"].startswith("Contributions in October 2026")


def test_without_timed_jobs_the_scheduler_still_delivers_the_outbox(
    wired: Runtime, gateways: Gateways
) -> None:
    timed = build_scheduler(wired, gateways)
    quiet = build_scheduler(wired, gateways, timed=False)
    assert set(timed.job_ids()) >= {
        "outbox",
        "discourse-pending",
        "monthly-shoutout",
        "shoutout-draft",
        "catch-up",
        "due-check",
    }
    assert set(quiet.job_ids()) == {"outbox", "discourse-pending"}


def wait_until(condition: Callable[[], bool], seconds: float = 15) -> bool:
    """Poll ``condition`` (the scheduler works in its own thread); no timing is asserted."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.05)
    return condition()
