"""Revision 0002 creates exactly the programme's tables as storage/tables.py declares them."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Table, inspect
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (registers the tables)
from storage.engine import make_engine
from storage.migrate import current_revision, head_revision, upgrade
from tests.support.databases import database_url

DC_TABLES = {"dc_nomination", "dc_vote", "dc_membership", "dc_badge"}


def _tables_named(diff: Any) -> set[str]:
    """The tables one difference from ``compare_metadata`` is about."""
    parts = [p for step in diff for p in step] if isinstance(diff, list) else list(diff)
    names: set[str] = set()
    for part in parts:
        if isinstance(part, Table):
            names.add(part.name)
        elif isinstance(getattr(part, "table", None), Table):
            names.add(part.table.name)
        elif isinstance(part, str):
            names.add(part)
    return names


def test_the_migrated_programme_tables_match_the_table_models(
    db_backend: str, tmp_path: Path
) -> None:
    engine = make_engine(database_url(tmp_path))
    try:
        upgrade(engine)
        assert current_revision(engine) == head_revision() >= "0002"
        assert set(inspect(engine).get_table_names()) >= DC_TABLES
        with engine.connect() as connection:
            context = MigrationContext.configure(connection, opts={"compare_type": True})
            diffs = compare_metadata(context, SQLModel.metadata)
        ours = [d for d in diffs if _tables_named(d) & DC_TABLES]
        assert ours == []
    finally:
        engine.dispose()
