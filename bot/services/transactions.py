"""One transaction, tried again when a concurrent writer created the same row first."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TypeVar

from bot.runtime import Runtime
from storage.errors import ConflictingWrite
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.slack.events")

WRITE_ATTEMPTS = 3

T = TypeVar("T")


def in_transaction(runtime: Runtime, work: Callable[[UnitOfWork], T]) -> T:
    """Run ``work`` in one transaction and commit it; again (from scratch) if a concurrent
    writer created the same row first (two events about one new person, on PostgreSQL)."""
    for attempt in range(1, WRITE_ATTEMPTS + 1):
        try:
            with runtime.uow() as uow:
                result = work(uow)
                uow.commit()
                return result
        except ConflictingWrite:
            if attempt == WRITE_ATTEMPTS:
                raise
            log.info("another writer got there first; trying the transaction again")
    raise AssertionError("unreachable")
