"""Small SQL helpers that keep queries portable between SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session
from sqlalchemy.sql.dml import Insert


def insert_ignoring_conflicts(session: Session, table: Table, conflict: Sequence[str]) -> Insert:
    """``INSERT ... ON CONFLICT (conflict) DO NOTHING`` for the session's dialect."""
    name = session.get_bind().dialect.name
    if name == "postgresql":
        return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    if name == "sqlite":
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
    raise ValueError(f"unsupported database dialect {name!r}")


def insert_one_ignoring_conflicts(
    session: Session, table: Table, conflict: Sequence[str], values: dict[str, Any]
) -> int | None:
    """Insert one row; its id, or None when a row with the same key already exists."""
    statement = insert_ignoring_conflicts(session, table, conflict).returning(table.c.id)
    row = session.execute(statement.values(**values)).first()
    return None if row is None else int(row[0])
