"""The Slack events received over HTTP: recorded by one thread, handled by a few.

(Over 300 lines: the recorder thread and the event workers share one queue and one
shutdown, and are easier to reason about together.)

``/slack/events`` hands an event to the :class:`EventRecorder` and answers once it is
in the inbox. The recorder is one thread that writes whatever has arrived in one
transaction: SQLite lets one writer in at a time, and writers from many threads would
queue on its busy timeout, which polls with growing sleeps (a convoy under load). On
SQLite, an event that finds nothing queued and the spool free is stored by the request
itself, without waiting and without the two thread hand-overs (:class:`EventRecorder`).

The answer never waits long for the database, and is a 200 only once the event is
stored: if it is not stored within :data:`RECORD_WAIT` (another process holds the
database), the request gets :class:`NotStoredInTime` (a 503, and Slack sends the event
again later; the inbox keeps one entry per event, so one stored meanwhile is not doubled).
On SQLite the events go to a spool file of their own (:mod:`storage.spool`), which no
other process holds for long, so this is rare there. At most
:data:`WAITING_TO_BE_RECORDED` events wait to be stored; past that, Slack gets 503s too.

The :class:`EventWorker` then handles each recorded event. Its queue is bounded: while
``capacity`` events wait, a new one is recorded as due at once instead of held, and
stays in the inbox until the worker has nothing else to do (then it runs
:meth:`~bot.slack.handlers.events.SlackEvents.process_pending`) or the retry job of
``serve`` runs. Either way it is handled once: the inbox entry is claimed and completed
with the effects. An event held in memory when the process dies stays in the inbox
too, claimed for a couple of minutes, then due for the retry job.

Few threads on purpose. CPython runs one thread's Python at a time, and the work
behind an event (Slack reads, a transaction, maybe a post) is mostly Python: every
extra busy thread is one more that the event loop answering Slack must wait behind.
"""

from __future__ import annotations

import asyncio
import logging
import threading
from collections import deque
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

log = logging.getLogger("creditbot.slack.events")

Handle = Callable[[int, Mapping[str, Any]], None]
#: An envelope as parsed, and the body as received (what the inbox keeps).
Received = tuple[Mapping[str, Any], str]
Record = Callable[[Sequence[Received]], None]
#: Stores one event at once if it can without waiting; whether it did.
RecordNow = Callable[[Received], bool]

CAPACITY = 1000
THREADS = 1
#: At most this many events in one recording transaction.
RECORD_BATCH = 200
#: Seconds a request waits for its event to be stored before it is refused with a 503
#: (Slack allows 3 s, and sends the event again).
RECORD_WAIT = 1.5
#: Events waiting to be stored (the database busy) before Slack gets 503s at once.
WAITING_TO_BE_RECORDED = 20_000
#: How many due inbox entries one catch-up round handles before it looks at the queue.
CATCH_UP_BATCH = 50
#: Seconds before catching up again after the database failed it.
CATCH_UP_PAUSE = 1.0


class EventWorker:
    """A bounded queue of received events (inbox entry id, envelope) and its threads."""

    def __init__(
        self,
        handle: Handle,
        catch_up: Callable[[int, Callable[[], bool]], bool],
        *,
        capacity: int = CAPACITY,
        threads: int = THREADS,
    ) -> None:
        self._handle = handle
        self._catch_up = catch_up
        self.capacity = capacity
        self._threads_wanted = threads
        self._threads: list[threading.Thread] = []
        self._queue: deque[tuple[int, Mapping[str, Any]]] = deque()
        self._busy = 0
        self._left_waiting = False
        self._closing = False
        self._changed = threading.Condition()

    def room(self) -> int:
        """How many more events can wait in memory (only the recorder adds any)."""
        with self._changed:
            return 0 if self._closing else max(0, self.capacity - len(self._queue))

    def put(self, entry_id: int, envelope: Mapping[str, Any]) -> None:
        """Handle this recorded event soon (it was recorded as held: see ``room``)."""
        with self._changed:
            self._queue.append((entry_id, envelope))
            self._start()
            self._changed.notify_all()

    def left_waiting(self) -> None:
        """An event was recorded as due instead (no room): catch up once idle."""
        with self._changed:
            self._left_waiting = True
            self._start()
            self._changed.notify_all()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until nothing is queued, left waiting or being handled; False on timeout."""
        with self._changed:
            return self._changed.wait_for(self._idle, timeout)

    def close(self, timeout: float = 30.0) -> None:
        """Stop the threads after the event each is handling (queued ones stay in the
        inbox, held for a while, then due for the retry job)."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            threads = list(self._threads)
        for thread in threads:
            thread.join(timeout)

    # -- the threads ---------------------------------------------------------------------
    def _is_closing(self) -> bool:
        """Whether :meth:`close` was called: a catch-up stops after the entry in hand and
        gives back the ones it claimed, due at once for the next process (not held by
        this one, going away, until their claim expires)."""
        return self._closing

    def _idle(self) -> bool:
        return not self._queue and not self._busy and not self._left_waiting

    def _start(self) -> None:
        """Start the threads on first use (called with the lock held)."""
        if self._threads or self._closing:
            return
        for number in range(self._threads_wanted):
            thread = threading.Thread(
                target=self._run, name=f"creditbot-events-{number}", daemon=True
            )
            self._threads.append(thread)
            thread.start()

    def _next(self) -> tuple[int, Mapping[str, Any]] | bool | None:
        """The next event, True to catch up, or None to stop."""
        with self._changed:
            while not self._closing:
                if self._queue:
                    self._busy += 1
                    return self._queue.popleft()
                if self._left_waiting:
                    self._left_waiting = False
                    self._busy += 1
                    return True
                self._changed.wait()
            return None

    def _run(self) -> None:
        while (work := self._next()) is not None:
            try:
                if work is True:
                    if self._catch_up(CATCH_UP_BATCH, self._is_closing):
                        self.left_waiting()  # more: again, after what is queued meanwhile
                elif isinstance(work, tuple):
                    self._handle(*work)
            except Exception:  # never let one event stop the worker; the entry stays
                log.exception("handling a received Slack event failed")
                if work is True:  # the database away: catch up again in a moment
                    with self._changed:
                        self._changed.wait_for(lambda: self._closing, CATCH_UP_PAUSE)
                    self.left_waiting()
            finally:
                with self._changed:
                    self._busy -= 1
                    self._changed.notify_all()


class RecorderFull(Exception):
    """Too many events wait to be stored: the request should be refused (Slack retries)."""


class NotStoredInTime(Exception):
    """The event could not be stored within the wait: refuse the request (Slack retries)."""


@dataclass(eq=False)
class _Arrival:
    """One received event on its way to the inbox, and the request waiting for it.

    ``state``: waiting -> stored or failed; waiting -> abandoned (the request stopped
    waiting and was refused, or its client went away: Slack sends the event again) ->
    stored or dropped, whichever comes of the one try already queued.
    """

    received: Received
    loop: asyncio.AbstractEventLoop
    stored: asyncio.Future[None]
    state: str = "waiting"


class EventRecorder:
    """One thread writing received events to the inbox, as many at a time as have come.

    :meth:`record` is awaited by the request: it returns once the event is stored; it
    raises what storing it raised, :class:`NotStoredInTime` after :data:`RECORD_WAIT`
    (the one try already queued still goes ahead), or :class:`RecorderFull`.

    With ``record_now``, an event that finds nothing queued is first offered to it, on
    the request's own thread: stored there when that needs no wait (no writer holds the
    store), it skips the hand-over to the recorder thread and back (two thread
    wake-ups per event, most of an acknowledgement's cost beside the store itself).
    """

    def __init__(
        self,
        record: Record,
        *,
        record_now: RecordNow | None = None,
        wait: float = RECORD_WAIT,
        capacity: int = WAITING_TO_BE_RECORDED,
    ) -> None:
        self._record = record
        self._record_now = record_now
        self._at_once = 0
        self.wait = wait
        self.capacity = capacity
        self._incoming: deque[_Arrival] = deque()
        self._busy = False
        self._closing = False
        self._thread: threading.Thread | None = None
        self._changed = threading.Condition()

    async def record(self, envelope: Mapping[str, Any], payload: str) -> None:
        if self._recorded_at_once((envelope, payload)):
            return
        loop = asyncio.get_running_loop()
        arrival = _Arrival((envelope, payload), loop, loop.create_future())
        with self._changed:
            self._refuse_when_full()
            self._incoming.append(arrival)
            if self._thread is None:
                self._thread = threading.Thread(
                    target=self._run, name="creditbot-events-recorder", daemon=True
                )
                self._thread.start()
            self._changed.notify_all()
        try:
            done, _ = await asyncio.wait({arrival.stored}, timeout=self.wait)
        except asyncio.CancelledError:  # the client went away: it gets no 200
            with self._changed:
                if arrival.state == "waiting":
                    arrival.state = "abandoned"
            raise
        if not done:
            with self._changed:
                if arrival.state == "waiting":
                    arrival.state = "abandoned"  # never a 200 for what is not stored
                    raise NotStoredInTime(f"not stored within {self.wait:g} s")
        await arrival.stored  # decided meanwhile: settled on this loop at once

    def _recorded_at_once(self, received: Received) -> bool:
        """Whether ``record_now`` stored the event (only if nothing waits before it)."""
        if self._record_now is None:
            return False
        with self._changed:
            self._refuse_when_full()
            if self._incoming or self._busy:
                return False
            self._at_once += 1
        try:
            return self._record_now(received)
        except Exception:  # the recorder thread tries it, and logs what fails there
            log.debug("storing a received Slack event at once failed", exc_info=True)
            return False
        finally:
            with self._changed:
                self._at_once -= 1
                self._changed.notify_all()

    def _refuse_when_full(self) -> None:
        """Raise :class:`RecorderFull` when closed or full (lock held)."""
        if self._closing:
            raise RecorderFull("the Slack event recorder is closed")
        if len(self._incoming) >= self.capacity:
            raise RecorderFull(f"{len(self._incoming)} received events wait to be stored")

    def has_room(self) -> bool:
        """Whether a new event would be taken (not refused as too many)."""
        with self._changed:
            return not self._closing and len(self._incoming) < self.capacity

    def drain(self, timeout: float = 30.0) -> bool:
        with self._changed:
            return self._changed.wait_for(
                lambda: not self._incoming and not self._busy and not self._at_once, timeout
            )

    def close(self, timeout: float = 30.0) -> None:
        """Store what has arrived, then stop."""
        with self._changed:
            self._closing = True
            self._changed.notify_all()
            thread = self._thread
        if thread is not None:
            thread.join(timeout)

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._incoming and not self._closing:
                    self._changed.wait()
                if not self._incoming:
                    return
                count = min(RECORD_BATCH, len(self._incoming))
                batch = [self._incoming.popleft() for _ in range(count)]
                self._busy = True
            outcomes = self._store(batch)
            with self._changed:
                self._settle(outcomes)
                self._busy = False
                self._changed.notify_all()

    def _store(self, batch: list[_Arrival]) -> list[tuple[_Arrival, BaseException | None]]:
        """Store a batch, else each event alone (one bad event fails only itself)."""
        try:
            self._record([arrival.received for arrival in batch])
            return [(arrival, None) for arrival in batch]
        except Exception as failure:
            if len(batch) == 1:
                log.exception("storing a received Slack event failed")
                return [(batch[0], failure)]
        outcomes: list[tuple[_Arrival, BaseException | None]] = []
        for arrival in batch:
            try:
                self._record([arrival.received])
                outcomes.append((arrival, None))
            except Exception as alone:
                log.exception("storing a received Slack event failed")
                outcomes.append((arrival, alone))
        return outcomes

    def _settle(self, outcomes: list[tuple[_Arrival, BaseException | None]]) -> None:
        """Tell the waiting requests (lock held)."""
        for arrival, error in outcomes:
            if arrival.state == "abandoned":  # answered 503 already: Slack sends it again
                arrival.state = "stored" if error is None else "dropped"
                continue
            arrival.state = "stored" if error is None else "failed"
            try:
                arrival.loop.call_soon_threadsafe(_settle, arrival.stored, error)
            except RuntimeError:  # that request's event loop is gone (shutting down)
                continue


def _settle(future: asyncio.Future[None], error: BaseException | None) -> None:
    if future.done():  # the request was cancelled (the client went away)
        return
    if error is None:
        future.set_result(None)
    else:
        future.set_exception(error)
