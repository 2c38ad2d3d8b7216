"""Loading many rows at once on SQLite: a large page cache, secondary indexes built after.

Inserting a million credits row by row into a table with three secondary indexes costs
SQLite a random B-tree walk per index per row, through a 2 MB page cache: most of the
import's time (``bench/bench_import.py``). For a large load, :func:`bulk_load` raises
the connection's page cache and drops the table's secondary (non-unique) indexes for
the duration, then builds them again in one sorted pass each. All of it happens inside
the caller's transaction: SQLite's DDL is transactional, so a load that fails rolls the
indexes back with the rows (all or nothing), and readers (WAL) keep seeing the table
as it was, indexes included, until the commit. Unique constraints stay: they are what
makes a repeated reference a no-op. On PostgreSQL nothing changes.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import Table, func, select
from sqlalchemy.orm import Session

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
