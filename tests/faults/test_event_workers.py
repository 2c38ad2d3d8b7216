"""``creditbot serve --event-workers 1``: serve stores and acks, a child process handles.

Real processes against the Slack stand-in: ``serve`` with one event worker process gets
200 message events (a quarter of them delivered again, as Slack retries), acks every
one, and each is counted exactly once. SIGTERM while the worker is still handling them
stops both cleanly and loses nothing: a new ``serve`` handles what was left, once.
SIGKILL of ``serve`` takes its worker with it; what it acknowledged while its worker was
stuck (in the spool on SQLite, in the inbox on PostgreSQL) is handled by the next start.
"""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from storage.spool import spool_path
from storage.tables import ActivityRow, InboxRow, columns
from tests.standins.slack_api import SlackApiStandIn
from tests.support.concurrency import wait_for
from tests.support.databases import database_url
from tests.support.processes import Creditbot, Process, free_port
from tests.support.slack import payload, sign

EVENTS = 200
WORKER = "slack-event-worker"

_activity = columns(ActivityRow)
_inbox = columns(InboxRow)


def _serve(creditbot: Creditbot, slack_api: SlackApiStandIn) -> Process:
    creditbot.point_at(slack=slack_api.url)
    port = free_port()
    process = creditbot.start(
        "serve", "--port", str(port), "--no-scheduler", "--event-workers", "1", port=port
    )
    wait_for("creditbot serve to answer", process.ready)
    return process


def _children(pid: int) -> list[int]:
    children: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        text = (task / "children").read_text(encoding="ascii").split()
        children.extend(int(child) for child in text)
    return children


def _workers_of(process: Process) -> list[int]:
    return [
        child
        for child in _children(process.popen.pid)
        if WORKER in Path(f"/proc/{child}/cmdline").read_bytes().decode(errors="replace")
    ]


def _gone(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text(encoding="ascii").rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return True
    return state[0] == "Z"  # exited, not yet reaped by its (dead) parent


def _message(n: int) -> bytes:
    envelope = payload("event_message_thread_reply")
    ts = f"{1793460000 + n}.000200"
    envelope["event_id"] = f"Ev0WORK{n:04d}"
    envelope["event"] = {
        "type": "message",
        "user": ("U0BOB", "U0DMITRI")[n % 2],
        "text": f"note {n}: the release notes are up",
        "ts": ts,
        "event_ts": ts,
        "channel": "C0TALK",
        "channel_type": "channel",
    }
    return json.dumps(envelope).encode()


def _send(url: str, body: bytes, retry: bool) -> int:
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(body, stamp),
    }
    if retry:
        headers["X-Slack-Retry-Num"] = "1"
    return httpx.post(f"{url}/slack/events", content=body, headers=headers, timeout=30).status_code


def _counted(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        counted = uow.session.execute(
            select(func.sum(_activity.count)).where(_activity.kind == "slack_message")
        ).scalar()
    return int(counted or 0)


def _done(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        query = select(func.count()).select_from(InboxRow).where(_inbox.status == "done")
        return int(uow.session.execute(query).scalar_one())


@pytest.mark.databases("sqlite")
def test_serve_acks_every_event_and_its_worker_process_handles_each_once_despite_sigterm(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn
) -> None:
    """SQLite only, where serve's spool lies between the ack and the worker. On
    PostgreSQL the same promise (a SIGTERM right after the last ack; every event handled
    once by the worker process first) is test_duplicate_delivery.py's Slack test, which
    runs serve with its default worker process on both databases."""
    serve = _serve(creditbot, slack_api)
    workers = _workers_of(serve)
    assert len(workers) == 1

    # Every event once, and every fourth again (Slack retrying), from several connections.
    sends = [(n, False) for n in range(EVENTS)] + [(n, True) for n in range(0, EVENTS, 4)]
    sends.sort(key=lambda send: send[0] + (3 if send[1] else 0))
    with ThreadPoolExecutor(max_workers=8) as senders:
        codes = list(senders.map(lambda s: _send(serve.url, _message(s[0]), s[1]), sends))
    assert codes == [200] * len(sends)

    assert serve.stop() == 0  # SIGTERM, most likely while the worker is still handling
    assert _gone(workers[0])
    assert f"event worker {workers[0]} stopped" in serve.output()
    handled_before = _done(runtime)
    assert _counted(runtime) == handled_before <= EVENTS

    again = _serve(creditbot, slack_api)  # what the first one left is still due
    wait_for("every event to be handled", lambda: _done(runtime) == EVENTS)
    assert again.stop() == 0
    assert _counted(runtime) == EVENTS
    assert "Traceback" not in serve.output() + again.output()


@pytest.mark.databases("sqlite")
def test_the_event_worker_dies_with_serve_when_serve_is_killed_while_it_is_busy(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn
) -> None:
    """SQLite only: the worker's death with its parent is the kernel's doing, whatever
    the database. What a killed serve left in the PostgreSQL inbox is handled once by the
    next start in the test below and in test_killed_serve.py, both on PostgreSQL too."""
    serve = _serve(creditbot, slack_api)
    [worker] = _workers_of(serve)
    wait_for("the worker to start", lambda: f"event worker {worker} started" in serve.output())
    with ThreadPoolExecutor(max_workers=8) as senders:
        codes = list(senders.map(lambda n: _send(serve.url, _message(n), False), range(60)))
    assert codes == [200] * 60
    serve.kill()  # most likely while the worker still handles them (it runs niced)
    wait_for("the worker to stop", lambda: _gone(worker))
    # Asked to stop (SIGTERM from the kernel when its parent died), it stopped cleanly.
    wait_for("the worker to say so", lambda: f"event worker {worker} stopped" in serve.output())
    again = _serve(creditbot, slack_api)  # what it left is handled once by the next start
    wait_for("every event to be handled", lambda: _done(runtime) == 60)
    assert again.stop() == 0
    assert _counted(runtime) == 60


def test_events_acked_while_the_worker_was_stuck_are_handled_once_after_a_crash(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn, tmp_path: Path
) -> None:
    serve = _serve(creditbot, slack_api)
    [worker] = _workers_of(serve)
    os.kill(worker, signal.SIGSTOP)  # stuck (idle, holding nothing): nobody handles events
    sends = [(n, False) for n in range(20)] + [(n, True) for n in range(0, 20, 5)]
    codes = [_send(serve.url, _message(n), retry) for n, retry in sends]
    assert codes == [200] * len(sends)
    serve.kill()  # the machine goes down: no clean-up at all
    os.kill(worker, signal.SIGKILL)
    wait_for("the worker to be gone", lambda: _gone(worker))
    assert _done(runtime) == 0
    spool = spool_path(database_url(tmp_path))
    if spool is not None:  # SQLite: the acknowledged events wait in serve's spool
        assert _spooled(spool) == len(sends)

    # The next start, even without worker processes, handles each of them once.
    port = free_port()
    again = creditbot.start("serve", "--port", str(port), "--event-workers", "0", port=port)
    wait_for("creditbot serve to answer", again.ready)
    wait_for("every event to be handled", lambda: _done(runtime) == 20)
    # A new event goes to that serve's own handling at once, not to the spool (which
    # only the retry job, once a minute, would empty).
    assert _send(again.url, _message(20), False) == 200
    wait_for("the new event to be handled", lambda: _done(runtime) == 21, patience=20)
    assert again.stop() == 0
    assert _counted(runtime) == 21
    if spool is not None:
        assert _spooled(spool) == 0
    assert "Traceback" not in serve.output() + again.output()


def _spooled(spool: Path) -> int:
    with sqlite3.connect(spool) as db:
        return int(db.execute("SELECT count(*) FROM spooled_event").fetchone()[0])
