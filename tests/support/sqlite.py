"""SQLite on its own: a runtime on a SQLite file only, and the database watched from
outside (another connection, as another process would)."""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

from bot.config import Settings, parse_config
from bot.runtime import Runtime
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.support.clock import FixedClock


def sqlite_runtime(tmp_path: Path, config_data: dict[str, Any], clock: FixedClock) -> Runtime:
    """What the ``runtime`` fixture gives, on a SQLite file only: for a module's own
    ``runtime`` fixture when its tests are about SQLite itself, or too slow to repeat on
    PostgreSQL for what they would add (the module says which)."""
    url = f"sqlite:///{tmp_path / 'creditbot.db'}"
    config = parse_config(config_data, "test config")
    settings = Settings(database_url=url, creditbot_config=str(tmp_path / "creditbot.yml"))
    runtime = Runtime(settings, config, make_engine(url), clock)
    upgrade(runtime.engine)
    runtime.sync_organisations()
    return runtime


def sqlite_statement(database: Path, statement: str) -> tuple[Any, ...]:
    """One statement on a connection of its own, outside any transaction; its first row."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        return tuple(connection.execute(statement).fetchone())
    finally:
        connection.close()


def sqlite_write_locked(database: Path) -> bool:
    """Whether another connection holds the write lock (we cannot take it right now)."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return True
    finally:
        probe.close()


def sqlite_writing(database: Path, spilled: int) -> bool:
    """Whether a connection is inside a large write transaction: it holds the write lock,
    and more than ``spilled`` bytes of pages it has not committed yet have spilled into
    the WAL file (after a ``wal_checkpoint(TRUNCATE)`` emptied it)."""
    wal = database.with_name(database.name + "-wal")
    return wal.exists() and wal.stat().st_size > spilled and sqlite_write_locked(database)
