"""``serve`` SIGKILLed while Slack events pour in, several times, then started again:
every event Slack got a 200 for is handled once, none twice, and every start answers
(no process left behind holding a lock). Slack sends again what got no 200 (a refused or
broken connection), as it does. Both worker modes; on PostgreSQL too (the ``runtime``
fixture's database). bench/bench_kill_serve.py does the same 20 times and times it."""

from __future__ import annotations

import threading

import httpx
import pytest
from sqlalchemy import update

from bot.runtime import Runtime
from storage.tables import InboxRow, columns
from tests.faults.test_event_workers import _counted, _done, _gone, _message, _send
from tests.standins.slack_api import SlackApiStandIn
from tests.support.concurrency import wait_for
from tests.support.processes import Creditbot, Process, free_port

KILLS = 2
_inbox = columns(InboxRow)
PER_ROUND = 10


class Sender:
    """Sends events one after the other until stopped; remembers which got a 200."""

    def __init__(self, url: str, first: int) -> None:
        self.url = url
        self.next = first
        self.acked: set[int] = set()
        self.refused: set[int] = set()
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def _run(self) -> None:
        while not self._stop.is_set():
            n = self.next
            self.next += 1
            try:
                code = _send(self.url, _message(n), False)
            except httpx.TransportError:
                code = 0
            (self.acked if code == 200 else self.refused).add(n)

    def stop(self) -> None:
        self._stop.set()
        self._thread.join(30)


def start_serve(creditbot: Creditbot, workers: str) -> Process:
    port = free_port()
    args = ["serve", "--port", str(port), "--no-scheduler", "--event-workers", workers]
    process = creditbot.start(*args, port=port)
    wait_for("creditbot serve to answer", process.ready)
    return process


def kill_under_load(creditbot: Creditbot, workers: str, kills: int) -> tuple[set[int], int]:
    """``kills`` rounds of: start, send, SIGKILL mid-stream; the events acked, and the
    number sent in all."""
    acked: set[int] = set()
    sent = 0
    for _ in range(kills):
        serve = start_serve(creditbot, workers)
        sender = Sender(serve.url, sent)
        wait_for("events to be acked", lambda: len(sender.acked) >= PER_ROUND)  # noqa: B023
        serve.kill()  # mid-stream, the worker busy handling
        sender.stop()
        acked |= sender.acked
        sent = sender.next
    return acked, sent


@pytest.mark.parametrize("workers", ["0", "1"])
def test_serve_killed_while_receiving_events_loses_and_doubles_none(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn, workers: str
) -> None:
    creditbot.point_at(slack=slack_api.url)
    acked, sent = kill_under_load(creditbot, workers, KILLS)
    assert len(acked) >= KILLS * PER_ROUND
    _claims_run_out(runtime)

    again = start_serve(creditbot, workers)
    # Slack sends again every event that got no 200, and a few that did (its retries).
    resent = [n for n in range(sent) if n not in acked] + sorted(acked)[:5]
    assert {_send(again.url, _message(n), True) for n in resent} == {200}
    wait_for("every event to be handled", lambda: _done(runtime) == sent)
    assert again.stop() == 0
    assert _counted(runtime) == sent  # each once: none lost, none doubled
    for process in creditbot.processes:
        assert _gone(process.popen.pid)
    assert "Traceback" not in "".join(p.output() for p in creditbot.processes)


def _claims_run_out(runtime: Runtime) -> None:
    """Two minutes pass: the events a killed process had claimed (the one it was
    handling, those it held in memory) are due again (``CLAIM_SECONDS``)."""
    with runtime.uow() as uow:
        uow.session.execute(
            update(InboxRow)
            .where(_inbox.status == "pending", _inbox.next_attempt_at.is_not(None))
            .values(next_attempt_at=None)
        )
        uow.commit()
