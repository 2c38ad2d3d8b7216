"""Several ``creditbot serve`` replicas on one PostgreSQL database behave as one bot.

Two replicas take the same Slack events (each event, and each click, reaches both at
once); then three replicas start together with their schedulers on, so each one's
start-up catch-up runs the month's shout-out at the same moment; the replica caught
delivering the shout-out is killed (SIGKILL) before "Slack" got it. In the end: one
credit per event, one decision per question, one shout-out run, and every message in
the outbox delivered exactly once.
"""

from __future__ import annotations

import copy
import json
import subprocess
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import yaml
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.config import Settings, parse_config
from bot.jobs.shoutout import shoutout_cadence
from bot.runtime import Runtime
from scoring.models import Identity, IdentityKind
from scoring.months import Month
from storage.engine import make_engine
from storage.repositories.outbox import OutboxMessage
from storage.tables import CreditRow, JobRunRow, PublishedReportRow, SuggestionRow
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.concurrency import wait_for
from tests.support.config import BASE_CONFIG
from tests.support.processes import PYTHON_CREDITBOT
from tests.support.replicas import Replica
from tests.support.slack import REVIEW, answer_body, payload, thank_alice_event

HELP = "C0HELP"
SHOUT = "C01SHOUT"
SHOUTOUT_JOB = "monthly-shoutout"

MakeReplica = Callable[[str, bool], Replica]


def _ts(moment: datetime) -> str:
    return f"{int(moment.timestamp())}.000100"


def _all_at_once(calls: list[Callable[[], httpx.Response]]) -> list[int]:
    """Make the calls from threads released together; their status codes."""
    start = threading.Barrier(len(calls))
    codes: list[int] = [0] * len(calls)

    def run(i: int) -> None:
        start.wait(timeout=30)
        codes[i] = calls[i]().status_code

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return codes


def _json(envelope: dict[str, Any]) -> tuple[bytes, str]:
    return json.dumps(envelope).encode(), "application/json"


def _form(body: dict[str, Any]) -> tuple[bytes, str]:
    return urlencode({"payload": json.dumps(body)}).encode(), "application/x-www-form-urlencoded"


class Database:
    """What the replicas stored, read straight from the shared database."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime

    def count(self, model: type[SQLModel], *where: Any) -> int:
        with self.runtime.reader() as uow:
            query = select(func.count()).select_from(model).where(*where)
            return int(uow.session.execute(query).scalar_one())

    def outbox(self) -> list[OutboxMessage]:
        with self.runtime.reader() as uow:
            return uow.outbox.list(limit=1000)

    def all_sent(self) -> bool:
        """Every message due is sent (a credit notice waits a few minutes by design, to
        gather a burst of credits into one DM: it is counted apart)."""
        rows = self.outbox()
        return bool(rows) and all(row.status == "sent" for row in rows if not _notice(row))

    def credits_of(self, slack_id: str) -> list[tuple[str, int]]:
        with self.runtime.reader() as uow:
            member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
            assert member is not None
            return [(c.type, c.points) for c in uow.credits.for_member(member.id)]


def _notice(row: OutboxMessage) -> bool:
    return row.key.startswith("credit-notice:")


def _deliveries(row: OutboxMessage, slack_api: SlackApiStandIn, forum: StandinDiscourse) -> int:
    """How many times the outbox message ``row`` reached the Slack or Discourse stand-in."""
    payload_ = row.payload
    if row.channel == "slack":
        if row.kind in ("post", "dm"):
            channel = row.target if row.kind == "post" else "D" + row.target[1:]
            return sum(
                1
                for call in slack_api.calls_to("chat.postMessage")
                if call.get("channel") == channel and call.get("text") == payload_["text"]
            )
        if row.kind == "update":
            return sum(
                1
                for call in slack_api.calls_to("chat.update")
                if (call.get("channel"), call.get("ts")) == (row.target, payload_["ts"])
                and call.get("text") == payload_["text"]
            )
    if row.channel == "discourse":
        with forum._lock:
            topics = list(forum.topics.values())
        if row.kind == "topic":
            return sum(1 for t in topics if t.external_id == payload_["external_id"])
        if row.kind == "pm":
            return sum(
                1
                for t in topics
                if t.archetype == "private_message" and t.title == payload_["title"]
            )
    raise AssertionError(f"an outbox message of an unexpected kind: {row.channel} {row.kind}")


def test_replicas_on_one_postgresql_credit_each_event_once_and_deliver_everything_once(
    tmp_path: Path,
    postgres_url: str,
    replicas: MakeReplica,
    slack_api: SlackApiStandIn,
    forum: StandinDiscourse,
) -> None:
    # -- a database shared by every replica, migrated by two processes at once --------
    config_data = copy.deepcopy(BASE_CONFIG)
    config_data["outbox"] = {"poll_seconds": 0.2, "lease_seconds": 3, "slack_interval_seconds": 0}
    (tmp_path / "creditbot.yml").write_text(yaml.safe_dump(config_data), encoding="utf-8")
    env = replicas("migrator", False).env
    upgrades = [
        subprocess.Popen([*PYTHON_CREDITBOT, "db", "upgrade"], env=env, cwd=tmp_path)
        for _ in range(2)
    ]
    assert [p.wait(timeout=120) for p in upgrades] == [0, 0]

    config = parse_config(config_data, "test config")
    settings = Settings(database_url=postgres_url, creditbot_config=str(tmp_path / "x.yml"))
    runtime = Runtime(settings, config, make_engine(postgres_url))
    db = Database(runtime)
    try:
        # The month whose shout-out is due now; the month before it was posted already.
        month = Month.parse(shoutout_cadence(config).latest_due(datetime.now(UTC), config.tz))
        with runtime.uow() as uow:
            earlier = datetime.now(UTC) - timedelta(days=40)
            assert uow.jobs.claim(SHOUTOUT_JOB, str(month.previous()), "gone", earlier, 60)
            assert uow.jobs.finish(SHOUTOUT_JOB, str(month.previous()), "gone", earlier)
            uow.commit()

        # -- phase 1: two replicas get every event and every click twice, at once -----
        day = datetime(month.year, month.month, 3, 10, tzinfo=UTC)
        parent, answer, thanks, bobs = (_ts(day + timedelta(minutes=m)) for m in (0, 10, 20, 60))
        slack_api.add_message(HELP, parent, "U0DMITRI", "How do I turn on SSO? The login loops.")
        slack_api.add_message(
            HELP, answer, "U0ALICE", "Set `auth.sso: true` and restart.", thread_ts=parent
        )
        slack_api.add_message(HELP, bobs, "U0BOB", "Here is the fixed deployment guide.")
        thanks_event = thank_alice_event("Ev0REPLTHANKS")
        thanks_event["event"].update(ts=thanks, event_ts=thanks, thread_ts=parent)
        confirm_event = payload("event_reaction_added")
        confirm_event["event_id"] = "Ev0REPLCONFIRM"
        confirm_event["event"].update(user="U01LEAD", reaction="white_check_mark")
        confirm_event["event"].update(item_user="U0BOB", item={"type": "message"})
        confirm_event["event"]["item"].update(channel=HELP, ts=bobs)

        first, second = replicas("r1", False).start(), replicas("r2", False).start()
        wait_for("r1 and r2 to serve", lambda: first.ready() and second.ready())
        codes = _all_at_once(
            [
                lambda: first.post(*_json(thanks_event)),
                lambda: second.post(*_json(thanks_event)),
                lambda: second.post(*_json(confirm_event)),
                lambda: first.post(*_json(confirm_event)),
            ]
        )
        assert codes == [200, 200, 200, 200]
        wait_for("the question", lambda: len(slack_api.posts_to(REVIEW)) > 0)
        wait_for("the question to be sent", lambda: db.all_sent() and db.count(SuggestionRow) == 1)
        with runtime.reader() as uow:
            (question,) = uow.suggestions.open()
        (posted,) = [m for m in db.outbox() if m.key.startswith("question:")]
        assert posted.sent_ref is not None
        clicks = {
            lead: answer_body(question.id, lead, question_ts=posted.sent_ref)
            | {"response_url": slack_api.response_url(lead)}
            for lead in ("U01LEAD", "U02LEAD")
        }
        codes = _all_at_once(
            [
                lambda: first.post(*_form(clicks["U01LEAD"])),
                lambda: second.post(*_form(clicks["U02LEAD"])),
            ]
        )
        assert codes == [200, 200]
        wait_for("the decision", lambda: len(slack_api.calls_to("chat.update")) > 0)
        retried = second.post(*_json(confirm_event))  # Slack retrying the reaction
        assert retried.status_code == 200
        wait_for("the credits", lambda: db.count(CreditRow) >= 2 and db.all_sent())

        assert db.credits_of("U0ALICE") == [("support", 2)]
        assert db.credits_of("U0BOB") == [("support", 2)]
        assert db.count(CreditRow) == 2
        assert len(slack_api.posts_to(REVIEW)) == 1
        assert len(slack_api.calls_to("chat.update")) == 1
        assert len(slack_api.calls_to("chat.postEphemeral")) == 1  # "already decided by"

        # A deployment: the two replicas stop; three new ones start at the same moment.
        assert {first.stop(), second.stop()} <= {0, -15}

        # -- phase 2: three schedulers run the shout-out at once; one dies delivering it
        def is_shoutout(method: str, params: dict[str, Any]) -> bool:
            return method == "chat.postMessage" and params.get("channel") == SHOUT

        fresh = [replicas(name, True) for name in ("r3", "r4", "r5")]
        for replica in fresh:
            replica.gate.arm(is_shoutout)
            # Each waits at its first Slack call until all three are there: their
            # schedulers then start, and run what is due, at the same moment.
            replica.gate.pause(lambda method, _params: method == "auth.test")
        for replica in fresh:
            replica.start()
        wait_for("the three replicas to start", lambda: all(r.gate.paused() for r in fresh))
        for replica in fresh:
            replica.gate.resume()
        wait_for("a replica sending the shout-out", lambda: any(r.gate.holding() for r in fresh))
        (victim,) = [r for r in fresh if r.gate.holding()]
        victim.kill()
        survivors = [r for r in fresh if r is not victim]
        for replica in fresh:
            replica.gate.disarm()
        wait_for("the survivors to deliver everything", lambda: db.all_sent())
        wait_for("the shout-out in Slack", lambda: len(slack_api.posts_to(SHOUT)) > 0)

        # One run of the shout-out, posted once in Slack (by a survivor) and on the forum.
        runs = db.count(JobRunRow, JobRunRow.job == SHOUTOUT_JOB, JobRunRow.status == "done")
        assert runs == 2  # the month before (done before the test) and this one
        assert db.count(PublishedReportRow, PublishedReportRow.month == str(month)) == 1
        (shoutout,) = slack_api.posts_to(SHOUT)
        assert "Alice" in json.dumps(shoutout) and "Bob" in json.dumps(shoutout)
        assert [call.method for call in victim.gate.holding()] == ["chat.postMessage"]
        assert not any(is_shoutout(c.method, c.params) for c in victim.gate.forwarded)
        assert (
            sum(1 for r in survivors for c in r.gate.forwarded if is_shoutout(c.method, c.params))
            == 1
        )
        with forum._lock:
            shoutout_topics = [t for t in forum.topics.values() if t.category_id == 5]
        assert len(shoutout_topics) == 1

        # Every message the bot wrote to its outbox arrived exactly once; the credit
        # notices, one per credited person, still wait to gather later credits.
        rows = [row for row in db.outbox() if not _notice(row)]
        notices = [row for row in db.outbox() if _notice(row)]
        assert {row.status for row in notices} <= {"pending"} and len(notices) <= 2
        assert {row.status for row in rows} == {"sent"}
        deliveries = {row.key: _deliveries(row, slack_api, forum) for row in rows}
        assert deliveries == dict.fromkeys(deliveries, 1)
        assert db.count(CreditRow) == 2

        for replica in survivors:
            assert replica.stop() in (0, -15), replica.log.read_text(errors="replace")[-3000:]
    finally:
        runtime.close()
