"""Schema migrations (Alembic), run by ``creditbot db upgrade`` and by tests.

Alembic is imported only when migrating: checking that the schema is current is a
single query against ``alembic_version``, so a short command (``report``) does not pay
for loading Alembic and every migration script.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sqlalchemy import Engine, inspect, text

from storage.engine import READ_ONLY

if TYPE_CHECKING:
    from alembic.config import Config

#: The newest revision in ``migrations/versions``; a test keeps it equal to Alembic's head.
SCHEMA_REVISION = "0010"

_MIGRATIONS = Path(__file__).parent / "migrations"
_PG_LOCK_ID = 0x43524442  # "CRDB": one migrator at a time across processes


def alembic_config() -> Config:
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(_MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest revision the code knows."""
    return SCHEMA_REVISION


def alembic_head() -> str | None:
    """The head according to Alembic's scripts (slow: loads every migration)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    with engine.execution_options(**{READ_ONLY: True}).connect() as connection:
        if not inspect(connection).has_table("alembic_version"):
            return None
        value = connection.execute(text("SELECT version_num FROM alembic_version")).scalar()
        return None if value is None else str(value)


def upgrade(engine: Engine) -> tuple[str | None, str | None]:
    """Bring the schema to the newest revision; returns (before, after). Safe to repeat.

    On SQLite the migration runs inside one ``BEGIN IMMEDIATE`` transaction (our engine
    emits it), so a second process waits and then finds nothing to do; on PostgreSQL an
    advisory lock does the same.
    """
    from alembic import command
    from alembic.runtime.migration import MigrationContext

    config = alembic_config()
    with engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": _PG_LOCK_ID})
        before = MigrationContext.configure(connection).get_current_revision()
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
        after = MigrationContext.configure(connection).get_current_revision()
    return before, after


def is_current(engine: Engine) -> bool:
    return current_revision(engine) == head_revision()
