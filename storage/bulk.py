"""Loading many rows at once on SQLite: a large page cache, secondary indexes built after.

Inserting a million credits row by row into a table with secondary indexes costs
SQLite a random B-tree walk per index per row, through a 2 MB page cache: most of the
import's time (``bench/bench_import.py``). For a large load, :func:`bulk_load` raises
the connection's page cache and drops the table's secondary (non-unique) indexes for
the duration, then builds them again in one sorted pass each. All of it happens inside
the caller's transaction: SQLite's DDL is transactional, so a load that fails rolls the
indexes back with the rows (all or nothing), and readers (WAL) keep seeing the table
as it was, indexes included, until the commit. Unique constraints stay: they are what
makes a repeated reference a no-op. On PostgreSQL nothing changes.

:func:`insert_rows` sends tuples of values the driver takes as they are
(:func:`moment_param` makes a datetime's), with no per-row work in SQLAlchemy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any, cast

from sqlalchemy import Column, Table, func, literal, literal_column, null, select
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session
from sqlalchemy.sql.compiler import SQLCompiler
from sqlalchemy.sql.expression import ClauseElement

from storage.sql import insert_ignoring_conflicts

#: Below this many rows a load goes through the indexes as usual.
BULK_ROWS = 20_000
#: The page cache of a large load, in KiB (SQLite's ``cache_size`` when negative).
BULK_CACHE_KIB = 256 * 1024


@contextmanager
def bulk_load(session: Session, table: Table, rows: int) -> Iterator[bool]:
    """Prepare ``table`` for ``rows`` new rows; yields whether the fast path is on.

    The fast path is taken on SQLite for at least :data:`BULK_ROWS` rows that are at
    least half as many as the table holds (else rebuilding its indexes would cost more
    than it saves).
    """
    connection = session.connection()
    if connection.dialect.name != "sqlite" or rows < BULK_ROWS:
        yield False
        return
    existing = int(session.execute(select(func.count()).select_from(table)).scalar_one())
    if rows * 2 < existing:
        yield False
        return
    previous = connection.exec_driver_sql("PRAGMA cache_size").scalar()
    connection.exec_driver_sql(f"PRAGMA cache_size = -{BULK_CACHE_KIB}")
    secondary = sorted((i for i in table.indexes if not i.unique), key=lambda i: str(i.name))
    try:
        for index in secondary:
            index.drop(connection)
        yield True
        for index in secondary:
            index.create(connection)
    finally:
        connection.exec_driver_sql(f"PRAGMA cache_size = {int(previous or -2000)}")


def moment_param(dialect: Dialect, column: Column[Any]) -> Callable[[datetime], Any]:
    """A function giving the driver's value of an aware datetime for ``column``.

    On SQLite that is the text SQLAlchemy's ``DateTime`` stores (naive UTC, to the
    microsecond), made by one C call instead of the column's bind processors; it is
    checked against them once, and they are used if they ever disagree. Elsewhere the
    driver takes the aware datetime itself.
    """
    processor = column.type.dialect_impl(dialect).bind_processor(dialect)
    if processor is None:
        return lambda moment: moment
    sample = datetime(2026, 10, 2, 12, 3, 4, 56, tzinfo=UTC)
    if dialect.name == "sqlite" and processor(sample) == sqlite_text(sample):
        return sqlite_text
    return processor


def sqlite_text(moment: datetime) -> str:
    """How SQLAlchemy's ``DateTime`` stores a moment on SQLite (naive UTC)."""
    if moment.tzinfo is not UTC:
        moment = moment.astimezone(UTC)
    return moment.isoformat(" ", "microseconds")[:26]


def insert_rows(
    session: Session,
    table: Table,
    keys: Sequence[str],
    conflict: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
    constants: Mapping[str, str | None] | None = None,
) -> int:
    """Insert tuples of driver values (in the order of ``keys``), skipping those whose
    ``conflict`` key exists; returns how many were added.

    The statement is compiled once and the tuples go to the driver's ``executemany``
    as they are (reordered only if the dialect's placeholders are named), so the caller
    converts each distinct value once (see :func:`moment_param`). ``constants`` (text
    or NULL, the same in every row) are written into the statement instead: each bound
    value costs the driver a call per row.
    """
    if not rows:
        return 0
    connection = session.connection()
    dialect = connection.dialect
    statement = insert_ignoring_conflicts(session, table, conflict)
    if constants:
        statement = statement.values(
            {
                key: null()
                if value is None
                else literal_column(
                    str(
                        literal(value).compile(
                            dialect=dialect, compile_kwargs={"literal_binds": True}
                        )
                    )
                )
                for key, value in constants.items()
            }
        )
    return execute_rows(session, statement, keys, rows)


def execute_rows(
    session: Session,
    statement: ClauseElement,
    keys: Sequence[str],
    rows: Sequence[tuple[Any, ...]],
) -> int:
    """Run ``statement`` once per tuple of driver values (its parameters in the order of
    ``keys``), compiled once, with no per-row work in SQLAlchemy; returns the rows
    it changed."""
    connection = session.connection()
    # for_executemany: no implicit ``RETURNING id`` (PostgreSQL would send every id back).
    compiled = cast(
        SQLCompiler,
        statement.compile(dialect=connection.dialect, column_keys=list(keys), for_executemany=True),
    )
    params: Sequence[Any]
    if not compiled.positional:
        params = [dict(zip(keys, row, strict=True)) for row in rows]
    elif list(compiled.positiontup or keys) == list(keys):
        params = rows
    else:  # a parameter may come twice, or in another order
        where = [list(keys).index(k) for k in compiled.positiontup or keys]
        params = [tuple(row[i] for i in where) for row in rows]
    result = connection.exec_driver_sql(str(compiled), params)
    return max(int(result.rowcount or 0), 0)
