"""Engine and session factories, called by the app (never at import time).

SQLite is tuned for a bot that writes from several threads and processes: WAL
(readers never wait for the writer), a busy timeout, foreign keys on, and write
transactions that start with ``BEGIN IMMEDIATE`` so that two writers queue on the
busy timeout instead of failing with "database is locked" when a read lock is
upgraded.

PostgreSQL gets the same rule: one writing transaction at a time. Each one starts by
taking a transaction-scoped advisory lock (released at commit or rollback, or when the
connection drops, e.g. a replica killed mid-transaction), waiting at most as long as
SQLite's busy timeout. Reading sessions (``read_only``) take nothing and never wait.
So the code's read-then-write steps (find or create a member, decide a question, claim
a run or an outbox message) behave alike on both databases, however many processes
share the database; writes are small and short, so one at a time is plenty for a bot.
A connection left idle inside a transaction is closed by the server after a while, so
a stuck process cannot hold the lock for ever.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import Engine, create_engine, event
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

SQLITE_BUSY_TIMEOUT_MS = 30_000
READ_ONLY = "creditbot_read_only"

#: The advisory lock every writing transaction on PostgreSQL holds ("CRDW").
PG_WRITE_LOCK = 0x43524457
PG_IDLE_IN_TRANSACTION_TIMEOUT_MS = 120_000


def make_engine(url: str, *, echo: bool = False) -> Engine:
    """An engine for ``url``; creates the folder of a SQLite file if needed."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "postgresql":
        return _postgresql_engine(url, echo)
    if parsed.get_backend_name() != "sqlite":
        return create_engine(url, echo=echo, pool_pre_ping=True, future=True)

    database = parsed.database
    if database and database != ":memory:" and not database.startswith("file:"):
        Path(database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(
        url,
        echo=echo,
        connect_args={"timeout": SQLITE_BUSY_TIMEOUT_MS / 1000, "check_same_thread": False},
    )

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # Take transaction control away from pysqlite so BEGIN is ours to emit.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: Any) -> None:
        read_only = connection.get_execution_options().get(READ_ONLY, False)
        connection.exec_driver_sql("BEGIN" if read_only else "BEGIN IMMEDIATE")

    return engine


def _postgresql_engine(url: str, echo: bool) -> Engine:
    engine = create_engine(url, echo=echo, pool_pre_ping=True)

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
        # One round trip: the wait is bounded like SQLite's busy timeout, then the lock.
        connection.exec_driver_sql(
            "SELECT set_config('lock_timeout', %(timeout)s, true), pg_advisory_xact_lock(%(key)s)",
            {"timeout": str(SQLITE_BUSY_TIMEOUT_MS), "key": PG_WRITE_LOCK},
        )

    return engine


def make_session_factory(engine: Engine, *, read_only: bool = False) -> sessionmaker[Session]:
    """Sessions bound to ``engine``; read-only ones take no write lock on SQLite."""
    bind = engine.execution_options(**{READ_ONLY: True}) if read_only else engine
    return sessionmaker(bind=bind, class_=Session, expire_on_commit=False)


def is_sqlite(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite"
