"""A stop request that a signal handler can make safely.

A Python signal handler runs in the main thread between two bytecodes, possibly while
that thread is inside the very code the handler calls. ``threading.Event.set()`` takes
a lock that is not re-entrant: a second SIGTERM arriving while the handler of the first
is inside ``set()`` waits for that lock for ever (a killed ``serve`` sends its worker one
SIGTERM per exiting thread, ``PR_SET_PDEATHSIG``). So the handler here only assigns a
boolean, and the waiting side sleeps on a pipe: ``signal.set_wakeup_fd`` makes the
interpreter's C-level handler write a byte to it (no lock, no Python), which ends the
sleep at once.
"""

from __future__ import annotations

import os
import select
import signal
from types import FrameType


class StopRequest:
    """Set by SIGTERM/SIGINT (see :meth:`install`); :meth:`wait` sleeps until it is."""

    def __init__(self) -> None:
        self.requested = False
        self._read, self._write = os.pipe()
        os.set_blocking(self._read, False)
        os.set_blocking(self._write, False)

    def install(self, *signums: int) -> None:
        """Handle these signals (main thread only): each just sets the flag."""
        signal.set_wakeup_fd(self._write, warn_on_full_buffer=False)
        for signum in signums or (signal.SIGTERM, signal.SIGINT):
            signal.signal(signum, self._on_signal)

    def _on_signal(self, signum: int, frame: FrameType | None) -> None:
        self.requested = True  # one store: nothing here can block or be re-entered

    def is_set(self) -> bool:
        return self.requested

    def wait(self, timeout: float) -> bool:
        """Sleep up to ``timeout`` seconds, less if a signal arrives; whether stop is asked."""
        if not self.requested:
            select.select([self._read], [], [], timeout)  # PEP 475: a signal ends it
            self._empty()
        return self.requested

    def _empty(self) -> None:
        try:
            while os.read(self._read, 512):
                pass
        except BlockingIOError:
            pass
