"""``serve`` watches its event worker: one that dies is started again within seconds,
logged, and ``/healthz`` tells the worker's state, the backlog and the age of the oldest
unhandled event, while still answering 200 (this replica can store what it receives)."""

from __future__ import annotations

import os
import signal

import httpx

from bot.runtime import Runtime
from tests.faults.test_event_workers import _done, _gone, _message, _send, _serve, _workers_of
from tests.standins.slack_api import SlackApiStandIn
from tests.support.concurrency import wait_for
from tests.support.processes import Creditbot


def _health(url: str) -> httpx.Response:
    return httpx.get(f"{url}/healthz", timeout=10)


def test_a_killed_event_worker_is_started_again_and_healthz_reports_the_backlog(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn
) -> None:
    serve = _serve(creditbot, slack_api)
    [worker] = _workers_of(serve)
    wait_for("the worker to start", lambda: f"event worker {worker} started" in serve.output())
    os.kill(worker, signal.SIGSTOP)  # stuck first: events wait for it
    assert [_send(serve.url, _message(n), False) for n in range(5)] == [200] * 5
    stuck = _health(serve.url)
    assert stuck.status_code == 200  # this replica still stores what it receives
    report = stuck.json()
    assert sum(report["backlog"].values()) == 5
    assert report["oldest_unhandled_seconds"] is not None
    assert report["workers"] == [{"pid": worker, "alive": True, "restarts": 0}]

    os.kill(worker, signal.SIGKILL)  # then gone, as by the OOM killer or `kill -9`
    wait_for("the worker to be gone", lambda: _gone(worker))
    wait_for("another worker", lambda: _workers_of(serve) not in ([], [worker]))
    [again] = _workers_of(serve)
    assert f"Slack event worker {worker} exited" in serve.output()
    # the restart is logged just after the new process exists: wait for the line
    restarted = f"Slack event worker {again} started in place of {worker}"
    wait_for("the restart to be logged", lambda: restarted in serve.output())
    wait_for("the waiting events to be handled", lambda: _done(runtime) == 5)
    healthy = _health(serve.url).json()
    assert healthy["workers"] == [{"pid": again, "alive": True, "restarts": 1}]
    assert healthy["backlog"] == {"spooled": 0, "inbox_pending": 0}
    assert healthy["oldest_unhandled_seconds"] is None
    assert serve.stop() == 0
