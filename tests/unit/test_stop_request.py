"""The stop request of an event worker: its signal handler may be re-entered anywhere.

A signal can arrive between any two bytecodes of the handler of the one before (a killed
``serve`` sends its worker several SIGTERMs). The harness below re-enters the handler at
each line it runs, which is where a ``threading.Event.set()`` holds its
lock: such a handler would wait for itself for ever.
"""

from __future__ import annotations

import signal
import sys
import threading
from collections.abc import Callable
from types import FrameType
from typing import Any

from bot.slack.intake.stop_request import StopRequest


def _reentered(handler: Callable[[int, FrameType | None], None]) -> bool:
    """Call ``handler`` with another call landing at each line the first one runs
    (its own and those of what it calls); whether it returned."""
    nested = {"now": False}

    def trace(frame: FrameType, event: str, arg: Any) -> Any:
        if event == "line" and not nested["now"]:
            nested["now"] = True
            try:
                handler(signal.SIGTERM, None)
            finally:
                nested["now"] = False
        return trace

    def run() -> None:
        sys.settrace(trace)
        try:
            handler(signal.SIGTERM, None)
        finally:
            sys.settrace(None)

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    thread.join(2)
    return not thread.is_alive()


def test_a_second_sigterm_inside_the_handler_of_the_first_does_not_hang_the_worker() -> None:
    stop = StopRequest()
    assert _reentered(stop._on_signal)
    assert stop.is_set()
    assert stop.wait(10)  # returns at once once asked


def test_the_harness_catches_a_handler_that_takes_a_lock() -> None:
    event = threading.Event()

    def setting(signum: int, frame: FrameType | None) -> None:
        event.set()

    assert not _reentered(setting)


def test_a_signal_wakes_the_waiting_worker_at_once() -> None:
    stop = StopRequest()
    previous = signal.getsignal(signal.SIGUSR1)
    old_fd = signal.set_wakeup_fd(-1)
    try:
        stop.install(signal.SIGUSR1)
        timer = threading.Timer(0.05, lambda: signal.raise_signal(signal.SIGUSR1))
        timer.start()
        assert stop.wait(30)  # not after 30 s: woken by the signal
        timer.join()
    finally:
        signal.signal(signal.SIGUSR1, previous)
        signal.set_wakeup_fd(old_fd)
