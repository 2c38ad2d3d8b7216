"""A write that may only wait a bounded time for its turn (a slash command's or a
button's: storage/write_deadline.py) gives up with ``DatabaseBusy`` while another
process holds the database, writes nothing, and goes through as usual once it is free.

Every test runs on both databases: SQLite (the turn of the ``.writer-lock`` and SQLite's
own write lock) and PostgreSQL (the advisory lock, under ``lock_timeout``). The other
process is a second engine on the same database, with a write transaction open.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from storage.engine import make_engine, share_writer_turns
from storage.errors import DatabaseBusy
from storage.tables import MemberRow
from storage.write_deadline import bounded_write_wait
from tests.support.clock import FixedClock

WAIT = 0.3  # seconds: short, the holder never lets go while it is waited for


@contextmanager
def _held_by_another_writer(runtime: Runtime) -> Iterator[None]:
    other = make_engine(runtime.engine.url.render_as_string(hide_password=False))
    try:
        with other.connect() as connection, connection.begin():  # its write turn, held
            yield
    finally:
        other.dispose()


def _add_member(runtime: Runtime, clock: FixedClock, email: str) -> None:
    with runtime.uow() as uow:
        ensure_member(uow, runtime.config, [Identity(IdentityKind.EMAIL, email)], "New", clock())
        uow.commit()


def _members(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        return int(uow.session.execute(select(func.count()).select_from(MemberRow)).scalar_one())


@pytest.mark.parametrize("shared_turns", [False, True], ids=["busy-timeout", "writer-lock"])
def test_a_bounded_write_behind_another_writer_is_refused_as_busy_and_writes_nothing(
    runtime: Runtime, clock: FixedClock, shared_turns: bool
) -> None:
    if shared_turns:
        share_writer_turns(runtime.engine)  # as serve does (nothing on PostgreSQL)
    before = _members(runtime)
    with _held_by_another_writer(runtime):
        with pytest.raises(DatabaseBusy), bounded_write_wait(WAIT):
            _add_member(runtime, clock, "busy@acme.example")
        assert _members(runtime) == before
    assert _members(runtime) == before

    with bounded_write_wait(WAIT):  # the database free: the same write goes through
        _add_member(runtime, clock, "busy@acme.example")
    assert _members(runtime) == before + 1


def test_once_a_bounded_work_has_written_its_later_writes_wait_as_usual(
    runtime: Runtime, clock: FixedClock
) -> None:
    """A change already made must never be reported as not made: only the work's first
    write transaction is bounded."""
    holding = threading.Event()

    def hold_for_a_while() -> None:
        with _held_by_another_writer(runtime):
            holding.set()
            time.sleep(3 * WAIT)  # longer than a bounded write waits

    before = _members(runtime)
    with bounded_write_wait(WAIT):
        _add_member(runtime, clock, "first@acme.example")
        holder = threading.Thread(target=hold_for_a_while)
        holder.start()
        try:
            assert holding.wait(timeout=30)
            _add_member(runtime, clock, "second@acme.example")  # waits, then goes through
        finally:
            holder.join()
    assert _members(runtime) == before + 2
