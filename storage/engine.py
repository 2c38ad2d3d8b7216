"""Engine and session factories, called by the app (never at import time).

(Over 300 lines: the engine, its SQLite and PostgreSQL tuning and the session factories
depend on each other's settings and stay together.)

SQLite is tuned for a bot that writes from several threads and processes: WAL
(readers never wait for the writer), a busy timeout, foreign keys on, and write
transactions that start with ``BEGIN IMMEDIATE`` so that two writers queue on the
busy timeout instead of failing with "database is locked" when a read lock is
upgraded. Within one process, writers first take turns on a lock (see
:class:`_TurnTakingConnection`): the busy timeout polls with sleeps growing to 100 ms,
so under load a waiting writer (an acknowledgement to Slack recording its event, say)
keeps missing the moments the database is free while a busy one takes it again and
again; the lock wakes the next writer as soon as the one before has committed. Between
processes (``serve`` and its event workers, a CLI command), the turn of a database file
is also an ``flock`` on ``<database>.writer-lock`` when that file exists (``creditbot
serve`` creates it: :func:`share_writer_turns`), so their writers queue in the kernel
the same way. It has no timeout: whoever holds it holds SQLite's write lock too, for one
transaction, and a process that dies lets go of both; a wait of more than a few seconds
is logged with the holder's pid and command (:mod:`storage.lock_waits`). Writers that
do not take it (the ``sqlite3`` shell, another program, a process that began before the
file existed) still meet the busy timeout, as without it.

PostgreSQL gets the same rule: one writing transaction at a time. Each one starts by
taking a transaction-scoped advisory lock (released at commit or rollback, or when the
connection drops, e.g. a replica killed mid-transaction), waiting at most as long as
SQLite's busy timeout. Reading sessions (``read_only``) take nothing and never wait.
So the code's read-then-write steps (find or create a member, decide a question, claim
a run or an outbox message) behave alike on both databases, however many processes
share the database; writes are small and short, so one at a time is plenty for a bot.
A connection left idle inside a transaction is closed by the server after a while, so
a stuck process cannot hold the lock for ever.

A write that must not wait long (a slash command's: :mod:`storage.write_deadline`) waits
for each of these turns only until its deadline (the in-process lock and the writer lock
polled, SQLite's busy timeout cut to what is left, PostgreSQL's ``lock_timeout``), then
raises :class:`~storage.errors.DatabaseBusy` before anything is written.

(Over 300 lines: the write turns of both databases, usual and bounded, belong together.)
"""

from __future__ import annotations

import fcntl
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from storage import lock_waits, write_deadline
from storage.errors import DatabaseBusy

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "creditbot_read_only"
#: A writing transaction whose references its caller has made sure of (an import of credits
#: for members it has just read or made): SQLite skips its foreign-key look-up per row.
REFERENCES_CHECKED = "creditbot_references_checked"
_FOREIGN_KEYS_OFF = "creditbot_foreign_keys_off"

#: The advisory lock every writing transaction on PostgreSQL holds ("CRDW").
PG_WRITE_LOCK = 0x43524457
PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 120_000
#: Seconds between two asks for another process's writer lock, in a bounded write.
FILE_TURN_POLL = 0.02
#: PostgreSQL's code for a lock not obtained within ``lock_timeout``.
PG_LOCK_NOT_AVAILABLE = "55P03"


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; creates the folder of a SQLite file if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _postgresql_engine(url, echo)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, future=True, hide_parameters=True)

    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        hide_parameters=True,  # an error never carries the values (e-mails, notes) it wrote
        connect_args={
            "timeout": SQLITE_BUSY_TIMEOUT_MS / 1000,
            "check_same_thread": False,
            "factory": _turn_taking(_writer_lock_path(url)),
        },
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        _use_wal(cursor)
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            connection.exec_driver_sql("BEGIN")
            return
        dbapi_connection = connection.connection.dbapi_connection
        _check_references(connection, dbapi_connection)
        until = write_deadline.deadline()  # None: the usual wait
        if isinstance(dbapi_connection, _TurnTakingConnection):
            dbapi_connection.take_turn(until)
        if until is None:
            connection.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            _begin_by(connection, dbapi_connection, until)
        write_deadline.turn_taken()

    return engine


def _check_references(connection: Any, dbapi_connection: Any) -> None:
    """Foreign keys checked in this transaction unless its caller checked the references
    (``REFERENCES_CHECKED``). Set before ``BEGIN`` (SQLite ignores the pragma inside a
    transaction), on every write: a pooled connection never keeps a bulk load's setting."""
    wanted_off = bool(connection.get_execution_options().get(REFERENCES_CHECKED, False))
    info = connection.connection.info
    if info.get(_FOREIGN_KEYS_OFF, False) != wanted_off:
        dbapi_connection.execute(f"PRAGMA foreign_keys={'OFF' if wanted_off else 'ON'}")
        info[_FOREIGN_KEYS_OFF] = wanted_off


def _use_wal(cursor: sqlite3.Cursor) -> None:
    """Switch the database to WAL (once; a no-op when it already is).

    Switching needs a lock for which SQLite does not call the busy handler, so two
    processes opening a brand-new database at the same moment can see "database is
    locked" here: the loser waits a little and asks again (by then it is WAL already).
    """
    deadline = time.monotonic() + SQLITE_BUSY_TIMEOUT_MS / 1000
    pause = 0.005
    while True:
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as error:
            if "locked" not in str(error) or time.monotonic() >= deadline:
                raise
            time.sleep(pause)
            pause = min(pause * 2, 0.1)


def _begin_by(connection: Any, dbapi_connection: Any, until: float) -> None:
    """``BEGIN IMMEDIATE`` with SQLite's busy timeout cut to what is left until ``until``
    (a writer that takes no turn may hold the write lock); else :class:`DatabaseBusy`."""
    left_ms = max(1, int(write_deadline.remaining(until) * 1000))
    dbapi_connection.execute(f"PRAGMA busy_timeout={left_ms}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    except OperationalError as error:
        if isinstance(dbapi_connection, _TurnTakingConnection):
            dbapi_connection.give_back()
        if "locked" in str(error.orig) or "busy" in str(error.orig):
            raise DatabaseBusy("another writer held the database") from error
        raise
    finally:
        dbapi_connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")


class _TurnTakingConnection(sqlite3.Connection):
    """A SQLite connection whose write transactions take turns with the others of this
    process (see above): the turn is taken before ``BEGIN IMMEDIATE`` and given back
    once the transaction has really ended (commit, rollback, or the connection closed).
    """

    # One of each per engine: set on the subclass made by _turn_taking().
    turns: threading.Lock
    file_turn: _FileTurn | None
    _has_turn = False

    def take_turn(self, until: float | None = None) -> None:
        # Not within the busy timeout (a thread holding a write transaction open while it
        # opens another would wait for itself): go on without a turn and let SQLite's busy
        # timeout decide, as without the turns. By ``until`` (a bounded write): busy.
        if not self._has_turn:
            wait = SQLITE_BUSY_TIMEOUT_MS / 1000
            self._has_turn = self.turns.acquire(
                timeout=wait if until is None else write_deadline.remaining(until)
            )
            if not self._has_turn and until is not None:
                raise DatabaseBusy("another writer of this process held the database")
            if self._has_turn and self.file_turn is not None:
                try:
                    self.file_turn.take(until)
                except BaseException:
                    self._has_turn = False
                    self.turns.release()
                    raise

    def try_take_turn(self) -> bool:
        """Take the turn only if no writer of any process holds it (never waits)."""
        if self._has_turn:
            return True
        if not self.turns.acquire(blocking=False):
            return False
        taken = False
        try:
            taken = self.file_turn is None or self.file_turn.try_take()
        finally:
            if not taken:
                self.turns.release()
        self._has_turn = taken
        return taken

    def give_back(self) -> None:
        if self._has_turn:
            self._has_turn = False
            try:
                if self.file_turn is not None:
                    self.file_turn.give_back()
            finally:
                self.turns.release()

    def commit(self) -> None:
        try:
            super().commit()
        finally:
            if not self.in_transaction:
                self.give_back()

    def rollback(self) -> None:
        try:
            super().rollback()
        finally:
            self.give_back()

    def close(self) -> None:
        try:
            super().close()
        finally:
            self.give_back()


class _FileTurn:
    """The writers' turn across processes: an exclusive ``flock`` on a file beside the
    database, held by the connection of this process that has the turn, from before
    ``BEGIN IMMEDIATE`` until the transaction has ended (the file is opened for each
    turn, so no descriptor outlives it or is shared with a forked child)."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._fd: int | None = None

    def take(self, until: float | None = None) -> None:
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)  # flock needs no more
        except FileNotFoundError:  # no serve has shared the turns: the busy timeout alone
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            if until is None:
                self._wait(fd)
            else:
                self._wait_until(fd, until)
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd

    def _wait(self, fd: int) -> None:
        """Wait in the kernel (the GIL released), saying who holds it when it is long."""
        token = lock_waits.waiting(self.path)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
        except BaseException:
            os.close(fd)
            raise
        finally:
            lock_waits.done(token)

    @staticmethod
    def _wait_until(fd: int, until: float) -> None:
        """Ask again every few milliseconds (flock has no time-out) until ``until``."""
        while True:
            time.sleep(min(FILE_TURN_POLL, write_deadline.remaining(until)))
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                return
            except BlockingIOError:
                if write_deadline.remaining(until) <= 0:
                    os.close(fd)
                    raise DatabaseBusy("another process held the database's writer lock") from None
            except BaseException:
                os.close(fd)
                raise

    def try_take(self) -> bool:
        """Take the turn if nobody holds it, never waiting."""
        try:
            fd = os.open(self.path, os.O_RDONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return False
        except BaseException:
            os.close(fd)
            raise
        self._fd = fd
        return True

    def give_back(self) -> None:
        fd, self._fd = self._fd, None
        if fd is not None:
            os.close(fd)  # lets go of the lock


def begin_write(connection: sqlite3.Connection, *, wait: bool = True) -> bool:
    """``BEGIN IMMEDIATE`` on a plain connection of a SQLite engine of
    :func:`make_engine` (``engine.raw_connection()``: the same settings), after the
    writers' turn, as the engine's own write transactions begin; its ``commit()`` or
    ``rollback()`` gives the turn back. Without ``wait``: False at once, nothing begun,
    when another writer holds the turn or the database."""
    turns = connection if isinstance(connection, _TurnTakingConnection) else None
    if turns is not None and not wait and not turns.try_take_turn():
        return False
    if turns is not None and wait:
        turns.take_turn()
    try:
        if not wait:
            connection.execute("PRAGMA busy_timeout=0")
        connection.execute("BEGIN IMMEDIATE")
    except sqlite3.OperationalError as error:
        if turns is not None:
            turns.give_back()
        if wait or ("locked" not in str(error) and "busy" not in str(error)):
            raise
        return False
    except BaseException:
        if turns is not None:
            turns.give_back()
        raise
    finally:
        if not wait:
            connection.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
    return True


def share_writer_turns(engine: Engine) -> None:
    """Let writers of every process take turns on this SQLite file's ``.writer-lock``
    (created here, readable by all); nothing for other databases."""
    path = _writer_lock_path(engine.url.render_as_string(hide_password=False))
    if path is not None:
        os.close(os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644))


def beside_sqlite_file(url: str, suffix: str) -> Path | None:
    """``<database><suffix>`` for a SQLite file database, else None."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database:
        return None
    if database == ":memory:" or database.startswith("file:"):
        return None
    path = Path(database).expanduser()
    return path.with_name(path.name + suffix)


def _writer_lock_path(url: str) -> Path | None:
    """``<database>.writer-lock`` of a SQLite file database, else None."""
    return beside_sqlite_file(url, ".writer-lock")


def _turn_taking(writer_lock: Path | None) -> type[_TurnTakingConnection]:
    """A connection class whose connections take turns with each other (one engine's),
    and with other processes' when ``writer_lock`` is given."""
    return type(
        "TurnTakingConnection",
        (_TurnTakingConnection,),
        {
            "turns": threading.Lock(),
            "file_turn": _FileTurn(writer_lock) if writer_lock is not None else None,
        },
    )


def _postgresql_engine(url: str, echo: bool) -> Engine:
    engine = create_engine(url, echo=echo, pool_pre_ping=True, hide_parameters=True)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        with dbapi_connection.cursor() as cursor:
            cursor.execute(
                "SELECT set_config('idle_in_transaction_session_timeout', %s, false)",
                (str(PG_IDLE_IN_TRANSACTION_TIMEOUT_MS),),
            )
        dbapi_connection.commit()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        if connection.get_execution_options().get(READ_ONLY, False):
            return
        # One round trip: the wait is bounded like SQLite's busy timeout (a bounded
        # write's, shorter: storage.write_deadline), then the lock, then the usual bound.
        until = write_deadline.deadline()
        wait_ms = SQLITE_BUSY_TIMEOUT_MS
        if until is not None:
            wait_ms = max(1, int(write_deadline.remaining(until) * 1000))
        try:
            connection.exec_driver_sql(
                "SELECT set_config('lock_timeout', %(wait)s, true), pg_advisory_xact_lock(%(key)s),"
                " set_config('lock_timeout', %(usual)s, true)",
                {"wait": str(wait_ms), "key": PG_WRITE_LOCK, "usual": str(SQLITE_BUSY_TIMEOUT_MS)},
            )
        except OperationalError as error:
            if until is not None and getattr(error.orig, "sqlstate", None) == PG_LOCK_NOT_AVAILABLE:
                raise DatabaseBusy("another writer held the database") from error
            raise
        write_deadline.turn_taken()

    return engine


def make_session_factory(
    engine: Engine, *, read_only: bool = False, references_checked: bool = False
) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; read-only ones take no write lock on SQLite, and
    ``references_checked`` ones leave the foreign keys to their caller (SQLite)."""
    bind = engine
    if read_only:
        bind = engine.execution_options(**{READ_ONLY: True})
    elif references_checked:
        bind = engine.execution_options(**{REFERENCES_CHECKED: True})
    return sessionmaker(bind=bind, class_=Session, expire_on_commit=False)
