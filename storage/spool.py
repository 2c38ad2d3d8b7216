"""The spool of received Slack events, a small SQLite file beside a SQLite database.

With ``serve --event-workers N`` on SQLite, ``serve`` stores each event it acknowledges
here (``<database>.spool``) instead of in the database's inbox, and its workers move
the spooled events into the inbox before they handle them. SQLite has one writer at a
time per file: in the database, an acknowledgement would wait for whatever transaction
holds the write lock (a worker handling an event, a job, a long ``creditbot import``);
in the spool it waits at most for a worker removing what it moved.

Nothing is lost or doubled on the way: an event is removed from the spool only after
the transaction that put it into the inbox has committed, and the inbox keeps one entry
per Slack ``event_id`` (``INSERT ... ON CONFLICT DO NOTHING``), so an event moved twice
(a worker killed between the two steps, two workers moving at once) or delivered twice
by Slack is stored once.

Storing is the cost of every acknowledgement, so :meth:`EventSpool.add` is one small
transaction on a plain ``sqlite3`` connection kept for it (see ``_add``).

The spool is a queue, not data: it holds events for a moment, so it is not part of the
schema that Alembic migrates; its one table is created when missing. A different
layout would get a new file name.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import (
    Column,
    Engine,
    Integer,
    MetaData,
    Table,
    Text,
    delete,
    func,
    select,
)
from sqlalchemy.pool import PoolProxiedConnection

from storage.engine import (
    READ_ONLY,
    begin_write,
    beside_sqlite_file,
    make_engine,
    share_writer_turns,
)

_metadata = MetaData()
_spooled = Table(
    "spooled_event",
    _metadata,
    Column("id", Integer, primary_key=True),
    Column("payload", Text, nullable=False),
)
_ADD = "INSERT INTO spooled_event (payload) VALUES (?)"


def spool_path(database_url: str) -> Path | None:
    """``<database>.spool`` for a SQLite file database; None for other databases."""
    return beside_sqlite_file(database_url, ".spool")


class EventSpool:
    """Received events (their bodies as Slack sent them), oldest first."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._engine: Engine = make_engine(f"sqlite:///{path}")
        share_writer_turns(self._engine)  # serve and its workers queue in the kernel
        _metadata.create_all(self._engine)
        #: The connection that adds, kept (see :meth:`add`), and who uses it now.
        self._adder: PoolProxiedConnection | None = None
        self._adding = threading.Lock()

    def add(self, payloads: Sequence[str]) -> None:
        """Store events, in one transaction: committed when this returns."""
        if payloads:
            with self._adding:
                self._add(payloads, wait=True)

    def try_add(self, payloads: Sequence[str]) -> bool:
        """Store events at once, never waiting: False, nothing stored, when another
        writer holds the spool (or another thread is adding)."""
        if not self._adding.acquire(blocking=False):
            return False
        try:
            return self._add(payloads, wait=False)
        finally:
            self._adding.release()

    def _add(self, payloads: Sequence[str], *, wait: bool) -> bool:
        """The store behind every acknowledgement, so kept small: one plain ``sqlite3``
        connection of the engine (its settings: WAL, ``synchronous=NORMAL``, the busy
        timeout; and its writers' turn), kept for adding, its INSERT prepared once (the
        module's statement cache), no SQLAlchemy transaction per event. It never
        checkpoints the WAL (a checkpoint writes the whole file, with ``fsync``): the
        removals, in whoever handles the events, do that."""
        if self._adder is None:
            self._adder = self._engine.raw_connection()
            self._adder.cursor().execute("PRAGMA wal_autocheckpoint=0").close()
        connection = self._adder.dbapi_connection
        assert isinstance(connection, sqlite3.Connection)
        try:
            if not begin_write(connection, wait=wait):
                return False
            connection.executemany(_ADD, [(payload,) for payload in payloads])
            connection.commit()
        except BaseException:
            self._drop_adder()  # closed: rolled back, the turn given back
            raise
        return True

    def _drop_adder(self) -> None:
        adder, self._adder = self._adder, None
        if adder is not None:
            adder.invalidate()

    def oldest(self, limit: int) -> list[tuple[int, str]]:
        """Up to ``limit`` spooled events as (id, payload), oldest first."""
        reading = self._engine.execution_options(**{READ_ONLY: True})
        with reading.begin() as connection:
            rows = connection.execute(select(_spooled).order_by(_spooled.c.id).limit(limit))
            return [(int(row.id), str(row.payload)) for row in rows]

    def backlog(self) -> tuple[int, str | None]:
        """How many events are spooled, and the oldest one's payload (None: empty)."""
        reading = self._engine.execution_options(**{READ_ONLY: True})
        with reading.begin() as connection:
            count = connection.execute(select(func.count()).select_from(_spooled)).scalar_one()
            oldest = connection.execute(
                select(_spooled.c.payload).order_by(_spooled.c.id).limit(1)
            ).scalar()
        return int(count), None if oldest is None else str(oldest)

    def remove(self, ids: Sequence[int]) -> None:
        """Forget events once they are in the inbox."""
        if ids:
            with self._engine.begin() as connection:
                connection.execute(delete(_spooled).where(_spooled.c.id.in_(ids)))

    def close(self) -> None:
        with self._adding:
            if self._adder is not None:
                self._adder.close()
                self._adder = None
        self._engine.dispose()
