"""Patient waiting, and calls made at the same moment from several threads."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

import pytest

#: How long a test waits for something that should happen within a second or two.
PATIENCE = 90.0

T = TypeVar("T")


def wait_for(what: str, condition: Callable[[], bool], patience: float = PATIENCE) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def all_at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Make the calls from threads released together by a barrier; their results."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait(timeout=PATIENCE)
            results[i] = calls[i]()
        except BaseException as error:  # surfaced in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)
    if errors:
        raise errors[0]
    return results
