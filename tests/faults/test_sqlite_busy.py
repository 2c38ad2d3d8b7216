"""SQLite busy: one writer holds the write lock while everyone else wants to write.

``creditbot import`` is frozen (SIGSTOP) in the middle of its transaction, holding
SQLite's write lock, while the server (threads of this process: uvicorn and the Slack
background work) gets slash commands and a forum webhook, and two other processes run
``creditbot credit add``. Then the import goes on. Nobody sees "database is locked":
every slash command is answered at once, and since Slack never sends a command again,
its work waits at most a moment for the database: the person is told privately that the
bot is busy and nothing was changed, and nothing of it is carried out later (even by a
serve killed and started again). The forum gets its answer, every process exits 0, and
everything else is stored once.

Events from Slack (messages, reactions) must be acknowledged even while another writer
holds the lock for longer than Slack waits (3 s): a long import holds it for its whole
write phase (about 20 s for a million credits, bench/README.md).

SQLite only: this is about SQLite's single writer (busy timeout and ``BEGIN IMMEDIATE``,
storage/engine.py); PostgreSQL's advisory lock gives the same queueing, and is exercised
by the concurrent tests that run on both databases.
"""

from __future__ import annotations

import fcntl
import json
import os
import signal
import sqlite3
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from scoring.models import Identity, IdentityKind
from storage.tables import ActivityRow, CreditRow, InboxRow, columns
from tests.faults.test_event_workers import _message, _send
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.concurrency import all_at_once, wait_for
from tests.support.discourse import payload as forum_payload
from tests.support.discourse import signature
from tests.support.processes import Creditbot, Process, free_port
from tests.support.serving import RunningApp
from tests.support.slack import payload, sign
from tests.support.sqlite import sqlite_runtime, sqlite_statement, sqlite_writing

LINES = 80_000  # long enough to be caught writing, however fast the import
COMMANDS = 6
MESSAGES = 20
ADDERS = 2
LOCKED = "locked"
SPILLED = 1_000_000  # bytes of uncommitted pages in the WAL: the import is writing
#: Slack gives up on a request after 3 s; a slow machine gets more than three times that
#: before a request counts as unanswered.
SLACK_PATIENCE = 10.0

_activity = columns(ActivityRow)
_inbox = columns(InboxRow)
_credit = columns(CreditRow)


@pytest.fixture
def runtime(tmp_path: Path, config_data: dict[str, Any], clock: FixedClock) -> Iterator[Runtime]:
    runtime = sqlite_runtime(tmp_path, config_data, clock)
    yield runtime
    runtime.close()


def _import_file(path: Path) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(LINES):
            line = {
                "member": f"speaker{n % 100}@acme.example",
                "type": "talk",
                "at": f"2026-{1 + n % 10:02d}-{1 + n % 28:02d}",
                "ref": f"conference:{n}",
            }
            out.write(json.dumps(line) + "\n")


BUSY = "The bot is busy right now; nothing was changed. Please try again in a minute."


def _signed(app: RunningApp | Process, body: bytes, content_type: str) -> int:
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": content_type,
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(body, stamp),
    }
    with httpx.Client(base_url=str(app.url), timeout=SLACK_PATIENCE) as client:
        try:
            return client.post("/slack/events", content=body, headers=headers).status_code
        except httpx.TimeoutException:
            pytest.fail("a Slack request was not answered while another process wrote")


def command(app: RunningApp | Process, slack_api: SlackApiStandIn, n: int) -> int:
    """``/credit @alice code 3 ...`` from a team lead."""
    form = payload("command_credit") | {
        "text": f"<@U0ALICE|alice> code 3 fixed build {n}",
        "trigger_id": f"1793523600.{n:04d}.busy-trigger",
        "response_url": slack_api.response_url(f"busy-{n}"),
    }
    return _signed(app, urlencode(form).encode(), "application/x-www-form-urlencoded")


def message(app: RunningApp, n: int) -> int:
    """A plain message in #talk by Bob or Dmitri."""
    envelope = payload("event_message_thread_reply")
    ts = f"{1793450000 + n}.000100"
    envelope["event_id"] = f"Ev0BUSY{n:04d}"
    envelope["event"] = {
        "type": "message",
        "user": ("U0BOB", "U0DMITRI")[n % 2],
        "text": f"note {n}: the nightly build is green again",
        "ts": ts,
        "event_ts": ts,
        "channel": "C0TALK",
        "channel_type": "channel",
    }
    return _signed(app, json.dumps(envelope).encode(), "application/json")


def forum_post(app: RunningApp) -> httpx.Response:
    raw = json.dumps(forum_payload("post_created")).encode()
    headers = {
        "Content-Type": "application/json",
        "X-Discourse-Event-Id": "7001",
        "X-Discourse-Event-Type": "post",
        "X-Discourse-Event": "post_created",
        "X-Discourse-Event-Signature": signature(raw),
    }
    with httpx.Client(base_url=app.url, timeout=60) as client:
        return client.post("/discourse/webhook", content=raw, headers=headers)


def _opened(process: Process, database: Path) -> bool:
    """Whether the process has the database open (it then asks for the write lock at once:
    ``sync_organisations`` is the first thing every command does)."""
    try:
        links = [
            os.readlink(f"/proc/{process.popen.pid}/fd/{fd}")
            for fd in os.listdir(f"/proc/{process.popen.pid}/fd")
        ]
    except (FileNotFoundError, ProcessLookupError):
        return not process.alive()
    return str(database) in links or not process.alive()


def _count(runtime: Runtime, model: type, *where: object) -> int:
    with runtime.reader() as uow:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(uow.session.execute(query).scalar_one())


def test_writers_wait_for_a_long_import_and_commands_are_refused_as_busy_not_locked(
    tmp_path: Path,
    live_app: RunningApp,
    slack_api: SlackApiStandIn,
    forum: StandinDiscourse,
    creditbot: Creditbot,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = live_app.runtime
    database = tmp_path / "creditbot.db"
    forum.add_user("nadia_p", "nadia@acme.example", user_id=58, name="Nadia Petrova")
    credits = tmp_path / "conference.jsonl"
    _import_file(credits)
    sqlite_statement(database, "PRAGMA wal_checkpoint(TRUNCATE)")

    importing = creditbot.start("import", str(credits))
    wait_for(
        "the import to write", lambda: not importing.alive() or sqlite_writing(database, SPILLED)
    )
    os.kill(importing.popen.pid, signal.SIGSTOP)  # it keeps the write lock while frozen
    assert sqlite_writing(database, SPILLED), "the import was not caught holding the write lock"

    adders = [
        creditbot.start(
            "credit",
            "add",
            "--member",
            f"helper{n}@beta.example",
            "--type",
            "docs",
            "--ref",
            f"handbook:{n}",
            name=f"credit-add-{n}",
        )
        for n in range(ADDERS)
    ]
    senders = ThreadPoolExecutor(max_workers=8)
    try:
        webhook = senders.submit(forum_post, live_app)
        answers = [senders.submit(command, live_app, slack_api, n) for n in range(COMMANDS)]
        # Every command is answered while the import still holds the lock, and told why
        # nothing was done.
        codes = [answer.result() for answer in answers]
        assert codes == [200] * COMMANDS
        wait_for(
            "every command to be refused",
            lambda: len(slack_api.calls_to(RESPONSE_URL)) >= COMMANDS,
        )
        assert not webhook.done()  # the forum's answer is written first: it waits its turn
        wait_for(
            "the other processes to reach the database",
            lambda: all(_opened(p, database) for p in adders),
        )
        assert sqlite_writing(database, SPILLED)
    finally:
        os.kill(importing.popen.pid, signal.SIGCONT)
        senders.shutdown(wait=True)
    forum_answer = webhook.result()

    assert importing.wait() == 0, importing.output()
    assert (
        importing.output()
        == f"{LINES} lines: {LINES} credits added, 0 already known, 100 new members\n"
    )
    for n, adder in enumerate(adders):
        assert adder.wait() == 0, adder.output()
        assert adder.output().startswith(f"credited helper{n}: docs, 3 points on ")
    assert forum_answer.status_code == 200
    assert forum_answer.json() == {"status": "accepted", "key": "post_created:2240"}
    live_app.drain()
    wait_for(
        "the forum post to be counted",
        lambda: (
            _count(runtime, InboxRow, _inbox.source == "discourse", _inbox.status == "done") == 1
        ),
    )

    replies = slack_api.calls_to(RESPONSE_URL)
    assert [(c["text"], c["response_type"]) for c in replies] == [(BUSY, "ephemeral")] * COMMANDS
    assert _count(runtime, InboxRow, _inbox.status != "done") == 0
    with runtime.reader() as uow:
        alice = uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE"))
    assert alice is None  # nothing of the refused commands was carried out
    assert _count(runtime, CreditRow) == LINES + ADDERS
    assert LOCKED not in caplog.text.lower()


def _messages_counted(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        counted = uow.session.execute(
            select(func.sum(_activity.count)).where(_activity.kind == "slack_message")
        ).scalar()
    return int(counted or 0)


def test_slack_events_are_acknowledged_while_another_writer_holds_the_database(
    tmp_path: Path, live_app: RunningApp, caplog: pytest.LogCaptureFixture
) -> None:
    runtime = live_app.runtime
    writer = sqlite3.connect(tmp_path / "creditbot.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another writer, busy for longer than Slack waits
    try:
        codes = all_at_once([lambda n=n: message(live_app, n) for n in range(MESSAGES)])
        assert codes == [200] * MESSAGES
        assert _messages_counted(runtime) == 0  # nothing could be written yet
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    live_app.drain()
    wait_for("the messages to be counted", lambda: _messages_counted(runtime) == MESSAGES)
    assert _count(runtime, InboxRow, _inbox.source == "slack", _inbox.status == "done") == MESSAGES
    assert LOCKED not in caplog.text.lower()


def test_serve_killed_while_another_writer_holds_the_database_loses_no_acked_event(
    tmp_path: Path, runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn
) -> None:
    """The window above, with a crash inside it: ``serve`` (one process, no workers)
    acknowledges events while another writer holds the database, and is SIGKILLed before
    the writer lets go. What it acknowledged was stored first (its spool): the next
    start handles each of them once."""
    creditbot.point_at(slack=slack_api.url)
    port = free_port()
    serve = creditbot.start(
        "serve", "--port", str(port), "--no-scheduler", "--event-workers", "0", port=port
    )
    wait_for("creditbot serve to answer", serve.ready)
    writer = sqlite3.connect(tmp_path / "creditbot.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # a long import, say
    try:
        codes = all_at_once(
            [lambda n=n: _send(serve.url, _message(n), False) for n in range(MESSAGES)]
        )
        assert set(codes) <= {200, 503}  # a 503 is sent again by Slack: not acknowledged
        acked = [n for n, code in enumerate(codes) if code == 200]
        assert acked
        serve.kill()  # inside the window: the database still held
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    assert _messages_counted(runtime) == 0

    again = creditbot.serve()
    wait_for(
        "the acknowledged events to be handled", lambda: _messages_counted(runtime) >= len(acked)
    )
    assert again.stop() == 0
    assert _messages_counted(runtime) == len(acked)


def test_serve_killed_after_refusing_commands_as_busy_carries_none_of_them_out(
    tmp_path: Path, runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn
) -> None:
    """``serve`` (a process of its own, writers taking turns on the ``.writer-lock``) gets
    commands while another process holds the writer lock and the database, and is
    SIGKILLed before it lets go: every person was told the bot was busy, and neither
    that serve nor the next one carries any of those commands out."""
    creditbot.point_at(slack=slack_api.url)
    port = free_port()
    serve = creditbot.start("serve", "--port", str(port), "--no-scheduler", port=port)
    wait_for("creditbot serve to answer", serve.ready)
    database = tmp_path / "creditbot.db"
    holder = os.open(f"{database}.writer-lock", os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # a long import, say: its turn, then SQLite's lock
    writer = sqlite3.connect(database, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        codes = all_at_once([lambda n=n: command(serve, slack_api, n) for n in range(COMMANDS)])
        assert codes == [200] * COMMANDS
        wait_for(
            "every command to be refused",
            lambda: len(slack_api.calls_to(RESPONSE_URL)) >= COMMANDS,
        )
        serve.kill()  # inside the window: the database still held
    finally:
        writer.execute("ROLLBACK")
        writer.close()
        os.close(holder)
    replies = slack_api.calls_to(RESPONSE_URL)
    assert [(c["text"], c["response_type"]) for c in replies] == [(BUSY, "ephemeral")] * COMMANDS

    again = creditbot.serve()
    assert command(again, slack_api, COMMANDS) == 200  # the database free: as always
    wait_for("the command to be answered", lambda: len(slack_api.calls_to(RESPONSE_URL)) > COMMANDS)
    assert again.stop() == 0
    assert [c["text"] for c in slack_api.calls_to(RESPONSE_URL)[COMMANDS:]] == [
        f"Credited <@U0ALICE> with *code*, 3 points: fixed build {COMMANDS}"
    ]
    with runtime.reader() as uow:
        alice = uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE"))
    assert alice is not None
    assert _count(runtime, CreditRow, _credit.member_id == alice.id) == 1
