"""Event worker processes (``creditbot serve --event-workers N``, one by default).

The handling of a Slack event is mostly Python (about 5 ms an event), and CPython runs
one thread's Python at a time: handled in a thread of ``serve`` (``--event-workers 0``,
see :mod:`bot.slack.intake.worker`), a heavy stream of events makes the thread answering
Slack wait behind it. So ``serve`` only stores each event and acknowledges it, and N
child processes (``creditbot slack-event-worker``, hidden) handle them: on SQLite they
first move what ``serve`` stored in its spool (:mod:`storage.spool`) into the inbox, then
take what is due there through the same path as the retry job
(:meth:`~bot.slack.handlers.events.SlackEvents.process_pending`: each entry claimed with
a conditional update, so it is handled once, whichever process gets it), polling every
:data:`IDLE_SECONDS` when there is nothing to do. Workers run at a lower priority
(:data:`NICENESS`), so on a busy machine the acknowledgements get a core first.

A worker asked to stop (SIGTERM or SIGINT) first handles what is still spooled or due,
then stops; ``serve`` asks once it has stopped taking requests and stored what it
acknowledged, and waits for them (:data:`STOP_TIMEOUT`; what a killed worker leaves
stays spooled or due, for the next start). ``serve`` starts a worker that died again
(:class:`EventProcesses`). If ``serve`` itself dies
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
import time
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # the CLI imports this module for COMMAND: keep it light
    from bot.slack.handlers.services import SlackServices
    from bot.slack.intake.stop_request import StopRequest
    from storage.spool import EventSpool

log = logging.getLogger("creditbot.slack.workers")

#: Seconds a worker sleeps when nothing is due.
IDLE_SECONDS = 0.05
#: Due entries read at a time.
BATCH = 20
#: Seconds a worker waits after the database or Slack failed it.
FAILURE_PAUSE = 1.0
#: Seconds ``serve`` waits for its workers to finish their event before it kills them.
STOP_TIMEOUT = 30.0
#: Seconds between two looks at whether the workers still run.
SUPERVISE_SECONDS = 0.5
#: Seconds before a dead worker is started again: the first, then the next each time
#: it dies again within :data:`HEALTHY_SECONDS` of its start.
RESTART_PAUSES = (0.5, 1.0, 2.0, 5.0, 10.0, 30.0)
HEALTHY_SECONDS = 60.0
COMMAND = "slack-event-worker"
#: How far a worker lowers its scheduling priority (``nice``): when the machine is busy,
#: the process that must answer Slack within 3 seconds gets a core first, and the
#: handling, which may take its time, gets what is left.
NICENESS = 10


def work(
    services: SlackServices,
    spool: EventSpool | None,
    bot_user_id: str | None,
    stop: StopRequest,
    parent: int,
) -> None:
    """The worker's loop: move what ``serve`` spooled into the inbox and handle what is
    due, until ``stop`` is set or ``parent`` is gone."""
    _die_with_parent()
    _lower_priority()
    events = services.events
    log.info("Slack event worker %d started", os.getpid())
    while os.getppid() == parent:
        # Asked to stop: serve has stopped taking events, so finish what it acknowledged.
        finishing = stop.is_set()
        try:
            moved = events.take_spooled(spool) if spool is not None else 0
            handled = events.process_pending(bot_user_id, BATCH)
        except Exception:  # the database away: the entries stay due, try again soon
            log.exception("handling the due Slack events failed")
            if finishing:
                break
            stop.wait(FAILURE_PAUSE)
            continue
        if not moved and not handled:
            if finishing:
                break
            stop.wait(IDLE_SECONDS)
    if os.getppid() != parent:
        log.warning("Slack event worker %d: serve (%d) is gone, stopping", os.getpid(), parent)
    log.info("Slack event worker %d stopped", os.getpid())


def _die_with_parent() -> None:
    """Ask Linux for SIGTERM when the parent (``serve``) dies, however it dies."""
    if not sys.platform.startswith("linux"):
        return
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGTERM)


def _death_signal_setup() -> Callable[[], None] | None:
    """What the child runs between fork and exec: ``_die_with_parent`` without importing
    anything there (the function is looked up here, in the parent)."""
    if not sys.platform.startswith("linux"):
        return None
    import ctypes

    prctl = ctypes.CDLL(None, use_errno=True).prctl
    term = int(signal.SIGTERM)

    def setup() -> None:
        prctl(1, term)  # PR_SET_PDEATHSIG

    return setup


def _lower_priority() -> None:
    try:
        os.nice(NICENESS)
    except (AttributeError, OSError):  # not on this platform, or not allowed
        log.warning("could not lower the priority of Slack event worker %d", os.getpid())


class EventProcesses:
    """The event worker processes of one ``serve``, supervised: one that dies (killed,
    crashed) is started again after :data:`RESTART_PAUSES` (the next pause each time it
    dies again soon, back to the first once a worker has lived :data:`HEALTHY_SECONDS`),
    and each death and restart is logged."""

    def __init__(self, count: int, bot_user_id: str | None, log_level: str = "info") -> None:
        self.count = count
        self.bot_user_id = bot_user_id
        self.log_level = log_level
        self.processes: list[subprocess.Popen[bytes]] = []
        self.restarts = 0
        self._started_at: list[float] = []
        self._deaths = 0  # in a row, for the back-off
        self._stopping = False
        self._changed = threading.Condition()
        self._supervisor: threading.Thread | None = None

    def start(self) -> None:
        """Start the workers (the same settings and database as ``serve``) and the thread
        that watches them. Started from the thread that lives as long as ``serve`` (the
        kernel's SIGTERM on the parent's death follows the thread that started a child)."""
        for _ in range(self.count):
            self.processes.append(self._spawn())
            self._started_at.append(time.monotonic())
        log.info("started %d Slack event worker process(es)", self.count)
        self._supervisor = threading.Thread(
            target=self._supervise, name="creditbot-workers-supervisor", daemon=True
        )
        self._supervisor.start()

    def state(self) -> list[dict[str, object]]:
        """Each worker: pid, whether it runs, and the restarts so far (for ``/healthz``)."""
        with self._changed:
            return [
                {"pid": p.pid, "alive": p.poll() is None, "restarts": self.restarts}
                for p in self.processes
            ]

    def stop(self, timeout: float = STOP_TIMEOUT) -> None:
        """SIGTERM to each; wait for them to finish their event (killed after ``timeout``)."""
        with self._changed:
            self._stopping = True
            self._changed.notify_all()
        if self._supervisor is not None:
            self._supervisor.join(timeout)
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

    def _spawn(self) -> subprocess.Popen[bytes]:
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
        # Dying with serve from its first instruction: a worker still importing when serve
        # is killed goes at once (the default action), instead of starting up for nothing.
        return subprocess.Popen(command, preexec_fn=_death_signal_setup())

    def _supervise(self) -> None:
        with self._changed:
            while not self._changed.wait_for(lambda: self._stopping, SUPERVISE_SECONDS):
                for number, process in enumerate(self.processes):
                    if process.poll() is not None:
                        self._restart(number, process)

    def _restart(self, number: int, dead: subprocess.Popen[bytes]) -> None:
        """Start worker ``number`` again after the back-off (lock held; a stop ends it)."""
        lived = time.monotonic() - self._started_at[number]
        self._deaths = 1 if lived >= HEALTHY_SECONDS else self._deaths + 1
        pause = RESTART_PAUSES[min(self._deaths, len(RESTART_PAUSES)) - 1]
        log.error(
            "Slack event worker %d exited (code %s) after %.0f s; starting another in %g s",
            dead.pid,
            dead.returncode,
            lived,
            pause,
        )
        if self._changed.wait_for(lambda: self._stopping, pause):
            return
        self.processes[number] = self._spawn()
        self._started_at[number] = time.monotonic()
        self.restarts += 1
        log.warning(
            "Slack event worker %d started in place of %d", self.processes[number].pid, dead.pid
        )
