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


#: :func:`insert_one_ignoring_conflicts`'s statements, built once per (dialect, table,
#: key): a Slack event inserts its inbox entry with one, and building it cost more than
#: running it.
_INSERT_ONE: dict[tuple[str, str, tuple[str, ...]], Insert] = {}


def insert_one_ignoring_conflicts(
    session: Session, table: Table, conflict: Sequence[str], values: dict[str, Any]
) -> int | None:
    """Insert one row; its id, or None when a row with the same key already exists."""
    key = (session.get_bind().dialect.name, table.fullname, tuple(conflict))
    statement = _INSERT_ONE.get(key)
    if statement is None:
        statement = insert_ignoring_conflicts(session, table, conflict).returning(table.c.id)
        _INSERT_ONE[key] = statement
    row = session.execute(statement, values).first()
    return None if row is None else int(row[0])


def bulk_insert_ignoring_conflicts(
    session: Session, table: Table, conflict: Sequence[str], rows: Sequence[dict[str, Any]]
) -> int:
    """Insert many rows, skipping those whose ``conflict`` key exists; returns the count added.

    The statement is compiled once and the rows go to the driver's ``executemany`` with
    each value already converted by its column type: for a bulk import, SQLAlchemy's
    per-row parameter processing would otherwise cost as much as the insert itself.
    """
    if not rows:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    keys = list(rows[0])
    # for_executemany: no implicit ``RETURNING id`` (PostgreSQL would send every id back).
    compiled = insert_ignoring_conflicts(session, table, conflict).compile(
        dialect=dialect, column_keys=keys, for_executemany=True
    )
    processors = {
        key: table.c[key].type.dialect_impl(dialect).bind_processor(dialect) for key in keys
    }
    order = list(compiled.positiontup or keys) if compiled.positional else keys
    converted: list[Any] = []
    # Consecutive rows often share a value (created_at, source, None): convert it once.
    last_in: dict[str, Any] = dict.fromkeys(keys, object())
    last_out: dict[str, Any] = {}
    for row in rows:
        values: dict[str, Any] = {}
        for key in keys:
            value = row[key]
            if value is not last_in[key]:
                processor = processors[key]
                last_in[key] = value
                last_out[key] = processor(value) if processor else value
            values[key] = last_out[key]
        converted.append(tuple(values[k] for k in order) if compiled.positional else values)
    result = connection.exec_driver_sql(str(compiled), converted)
    return max(int(result.rowcount or 0), 0)
