from __future__ import annotations

import threading
from pathlib import Path

from sqlalchemy import inspect, text

from storage.engine import make_engine
from storage.migrate import current_revision, head_revision, upgrade


def test_upgrade_creates_the_schema_and_a_second_run_changes_nothing(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    assert current_revision(engine) is None
    assert upgrade(engine) == (None, head_revision())
    assert upgrade(engine) == (head_revision(), head_revision())
    tables = set(inspect(engine).get_table_names())
    assert {"member", "identity", "credit", "inbox", "outbox", "job_run"} <= tables


def test_two_processes_upgrading_at_once_both_succeed(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'race.db'}"
    errors: list[BaseException] = []

    def migrate() -> None:
        try:
            upgrade(make_engine(url))
        except BaseException as error:  # pragma: no cover - the assertion shows it
            errors.append(error)

    threads = [threading.Thread(target=migrate) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert current_revision(make_engine(url)) == head_revision()


def test_sqlite_is_tuned_for_a_bot(tmp_path: Path) -> None:
    engine = make_engine(f"sqlite:///{tmp_path / 'tuned.db'}")
    with engine.connect() as conn:
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA busy_timeout")).scalar() >= 5000


def test_the_schema_revision_constant_is_alembics_head() -> None:
    from storage.migrate import SCHEMA_REVISION, alembic_head

    assert alembic_head() == SCHEMA_REVISION, "bump storage.migrate.SCHEMA_REVISION"


def test_the_migrated_indexes_are_the_ones_the_tables_declare(tmp_path: Path) -> None:
    """A large import drops the secondary indexes and builds them again from the
    tables' declarations (``storage.bulk``): a migration and a declaration that disagree
    would change the schema behind the migrations' back."""
    from sqlmodel import SQLModel

    import storage.tables  # noqa: F401  (declares the tables)

    engine = make_engine(f"sqlite:///{tmp_path / 'x.db'}")
    upgrade(engine)
    inspector = inspect(engine)
    for table in SQLModel.metadata.sorted_tables:
        migrated = {
            i["name"]: (
                tuple(i["column_names"]),
                bool(i["unique"]),
                _text(i["dialect_options"].get("sqlite_where")),
            )
            for i in inspector.get_indexes(table.name)
        }
        declared = {
            str(i.name): (
                tuple(c.name for c in i.columns),
                bool(i.unique),
                _text(i.dialect_options["sqlite"]["where"]),
            )
            for i in table.indexes
        }
        assert migrated == declared, table.name


def _text(clause: object) -> str:
    return "" if clause is None else " ".join(str(clause).split())
