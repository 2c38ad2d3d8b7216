"""A bounded wait for the database's write turn, for work that must not wait long.

Every write transaction waits its turn (see :mod:`storage.engine`): up to 30 s, since a
write that gave up would lose work. Some work would rather give up: a slash command or a
button is acked before its work runs, and Slack never sends it again, so its work waiting
behind a long ``creditbot import`` would be carried out long after the person gave up,
or lost if the process died meanwhile. Such work runs inside :func:`bounded_write_wait`:
its first write transaction waits at most that long for its turn (the in-process turn,
the ``.writer-lock`` of a SQLite file, SQLite's own write lock; PostgreSQL's advisory
lock, through ``lock_timeout``) and otherwise raises
:class:`~storage.errors.DatabaseBusy`, before anything is written, so the caller can say
"nothing was changed". Once a write transaction of the work has begun, the later ones
wait as usual: a change already made must not be reported as not made.

The bound is per thread (a context variable), set by whoever runs the work.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass
class _Patience:
    seconds: float
    spent: bool = False


_current: ContextVar[_Patience | None] = ContextVar("creditbot_write_patience", default=None)


@contextmanager
def bounded_write_wait(seconds: float) -> Iterator[None]:
    """Within the block, the first write transaction waits at most ``seconds`` for its
    turn, else :class:`~storage.errors.DatabaseBusy`."""
    token = _current.set(_Patience(seconds))
    try:
        yield
    finally:
        _current.reset(token)


def deadline() -> float | None:
    """The ``time.monotonic()`` by which a write transaction beginning now must have its
    turn, or None: the usual wait."""
    patience = _current.get()
    if patience is None or patience.spent:
        return None
    return time.monotonic() + patience.seconds


def remaining(until: float) -> float:
    return max(0.0, until - time.monotonic())


def turn_taken() -> None:
    """A write transaction of this work has begun: the later ones wait as usual."""
    patience = _current.get()
    if patience is not None:
        patience.spent = True
