"""Event worker processes (``creditbot serve --event-workers N``).

By default ``serve`` handles the Slack events it received in a thread of its own (see
:mod:`bot.slack.events_worker`). The handling is mostly Python (about 5 ms an event), and
CPython runs one thread's Python at a time, so under a heavy stream of events the thread
answering Slack waits behind it. With ``--event-workers N``, ``serve`` only stores each
event in the inbox (due at once) and acknowledges it, and N child processes
(``creditbot slack-event-worker``, hidden) handle what is due: the same path as the retry
job (:meth:`~bot.services.slack_events.SlackEvents.process_pending`: each entry claimed
with a conditional update, so it is handled once, whichever process gets it), polling
the inbox every :data:`IDLE_SECONDS` when there is nothing to do.

A worker stops on SIGTERM or SIGINT after the event it is handling (what is left stays
due in the inbox); ``serve`` stops its workers that way once it has stopped taking
requests and stored what it acknowledged, and waits for them. If ``serve`` itself dies
(even SIGKILL), the kernel sends its workers SIGTERM (``PR_SET_PDEATHSIG``), and a
worker that finds it has another parent stops as well.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module for COMMAND: keep it light
    from bot.services.slack import SlackServices

log = logging.getLogger("creditbot.slack.workers")

#: Seconds a worker sleeps when nothing is due.
IDLE_SECONDS = 0.05
#: Due entries read at a time.
BATCH = 20
#: Seconds a worker waits after the database or Slack failed it.
FAILURE_PAUSE = 1.0
#: Seconds ``serve`` waits for its workers to finish their event before it kills them.
STOP_TIMEOUT = 30.0
COMMAND = "slack-event-worker"


def work(
    services: SlackServices, bot_user_id: str | None, stop: threading.Event, parent: int
) -> None:
    """The worker's loop: handle what is due until ``stop`` is set or ``parent`` is gone."""
    _die_with_parent()
    while not stop.is_set() and os.getppid() == parent:
        try:
            handled = services.events.process_pending(bot_user_id, BATCH, stop.is_set)
        except Exception:  # the database away: the entries stay due, try again soon
            log.exception("handling the due Slack events failed")
            stop.wait(FAILURE_PAUSE)
            continue
        if not handled:
            stop.wait(IDLE_SECONDS)
    log.info("Slack event worker %d stopped", os.getpid())


def _die_with_parent() -> None:
    """Ask Linux for SIGTERM when the parent (``serve``) dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


class EventProcesses:
    """The event worker processes of one ``serve``."""

    def __init__(self, count: int, bot_user_id: str | None, log_level: str = "info") -> None:
        self.count = count
        self.bot_user_id = bot_user_id
        self.log_level = log_level
        self.processes: list[subprocess.Popen[bytes]] = []

    def start(self) -> None:
        """Start the workers: the same settings (environment) and database as ``serve``."""
        command = [
            sys.executable,
            "-c",
            "from bot.cli import run; run()",
            COMMAND,
            "--bot-user-id",
            self.bot_user_id or "",
            "--parent",
            str(os.getpid()),
            "--log-level",
            self.log_level,
        ]
        for _ in range(self.count):
            self.processes.append(subprocess.Popen(command))
        log.info("started %d Slack event worker process(es)", self.count)

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to each; wait for them to finish their event (killed after ``timeout``)."""
        for process in self.processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout)
            except subprocess.TimeoutExpired:
                log.error("a Slack event worker did not stop in %.0f s: killed", timeout)
                process.kill()
                process.wait()
        self.processes.clear()
