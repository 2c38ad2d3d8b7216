"""Saying who holds the writer lock when a process has waited for it too long.

A writer waits for ``<database>.writer-lock`` in the kernel, without a time-out (see
:class:`storage.engine._FileTurn`): a long ``creditbot import`` may hold it for tens of
seconds, and a write that gave up would lose work. But a wait that never ends, silent,
looks like a hang: a process left behind by a killed ``serve`` could hold it. So each
wait longer than :data:`PATIENCE` seconds is logged (a warning, which a command without
logging set up prints on stderr), naming the process that holds the lock (its pid and
command line, read from ``/proc/locks`` on Linux) and again every :data:`REPEAT` seconds
while it lasts. One watching thread per process, started at the first long wait.
"""

from __future__ import annotations

import logging
import os
import threading
import time
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger("creditbot.storage")

#: Seconds of waiting for the writer lock before saying who holds it.
PATIENCE = 3.0
#: Seconds between two reminders while the wait goes on.
REPEAT = 30.0


@dataclass
class _Wait:
    path: Path
    since: float
    told: float = 0.0


_waits: dict[int, _Wait] = {}
_lock = threading.Lock()
_watcher: threading.Thread | None = None


def waiting(path: Path) -> int:
    """A wait for ``path`` begins (this thread); the token to give to :func:`done`."""
    global _watcher
    token = threading.get_ident()
    with _lock:
        _waits[token] = _Wait(path, time.monotonic())
        if _watcher is None or not _watcher.is_alive():
            _watcher = threading.Thread(target=_watch, name="creditbot-lock-waits", daemon=True)
            _watcher.start()
    return token


def done(token: int) -> None:
    with _lock:
        _waits.pop(token, None)


def holder(path: Path) -> str:
    """Who holds the ``flock`` on ``path``: "process 123 (creditbot import x.jsonl)"."""
    try:
        inode = os.stat(path).st_ino
        with open("/proc/locks", encoding="ascii") as locks:
            lines = locks.read().splitlines()
    except OSError:
        return "another process"
    for line in lines:
        fields = line.split()
        # "1: FLOCK  ADVISORY  WRITE 4711 08:01:1234 0 EOF"; waiters are marked "->"
        if "->" in fields or len(fields) < 6 or fields[1] != "FLOCK":
            continue
        if fields[5].rsplit(":", 1)[-1] == str(inode):
            return f"process {fields[4]} ({_command(fields[4])})"
    return "another process"


def _command(pid: str) -> str:
    try:
        raw = Path(f"/proc/{pid}/cmdline").read_bytes()
    except OSError:
        return "gone"
    return raw.replace(b"\0", b" ").decode("utf-8", "replace").strip()[:200] or "unknown"


def _watch() -> None:
    while True:
        time.sleep(PATIENCE / 3)
        now = time.monotonic()
        with _lock:
            late = [
                w
                for w in _waits.values()
                if now - w.since >= PATIENCE and (not w.told or now - w.told >= REPEAT)
            ]
            for wait in late:
                wait.told = now
        for wait in late:
            log.warning(
                "waited %.0f s for the database's writer lock %s, held by %s; still waiting",
                now - wait.since,
                wait.path,
                holder(wait.path),
            )
