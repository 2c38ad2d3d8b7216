"""The insert of ``creditbot import`` overlapped with building its rows.

Building a million credit rows is Python's work (it holds the interpreter's lock);
inserting them is SQLite's, and a single statement runs without that lock. So a worker
thread builds the rows of the next chunk while the calling thread inserts the previous
one, on its own connection as always: the database is only ever touched by the caller.
A failure in the worker is raised on the calling thread, inside its transaction, so the
import is still all or nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from queue import Full, Queue
from threading import Event, Thread
from typing import Any

#: How many chunks the worker may build ahead of the insert.
_AHEAD = 2


@dataclass(frozen=True)
class _Failed:
    error: BaseException


_DONE = object()


def insert_overlapped(chunks: Iterator[Any], insert: Callable[[Any], int]) -> int:
    """Take ``chunks`` in a worker thread and ``insert`` each, in order, on this one;
    the sum of what ``insert`` returned. The first error of either side is raised here
    (after the worker stopped)."""
    queue: Queue[Any] = Queue(maxsize=_AHEAD)
    stop = Event()

    def put(item: Any) -> bool:
        while not stop.is_set():
            try:
                queue.put(item, timeout=0.05)
                return True
            except Full:
                continue
        return False

    def produce() -> None:
        try:
            for chunk in chunks:
                if not put(chunk):
                    return
            put(_DONE)
        except BaseException as error:  # handed to the calling thread, which raises it
            put(_Failed(error))

    worker = Thread(target=produce, name="import-rows", daemon=True)
    worker.start()
    added = 0
    try:
        while (item := queue.get()) is not _DONE:
            if isinstance(item, _Failed):
                raise item.error
            added += insert(item)
        return added
    finally:
        stop.set()
        worker.join()
