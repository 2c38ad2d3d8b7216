"""``creditbot db backup``: a live copy of a SQLite database; PostgreSQL points to pg_dump."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select

from storage.engine import make_engine
from storage.migrate import current_revision, head_revision
from storage.tables import CreditRow
from tests.support.cli import CliResult

Cli = Callable[..., CliResult]


def test_a_backup_is_a_working_copy_of_the_database_or_points_to_pg_dump(
    cli: Cli, tmp_path: Path, db_backend: str
) -> None:
    assert cli("db", "upgrade").code == 0
    added = cli("credit", "add", "--member", "alice@acme.example", "--type", "code", "--ref", "1")
    assert added.code == 0
    copy = tmp_path / "backups" / "creditbot-copy.db"
    copy.parent.mkdir()

    result = cli("db", "backup", str(copy))

    if db_backend == "postgresql":
        assert result.code == 1
        assert "pg_dump --format=custom" in result.err and result.err.count("\n") == 1
        assert not copy.exists()
        return
    assert result.code == 0, result.err
    assert result.out.startswith(f"backed up {tmp_path / 'creditbot.db'} to {copy} (")
    engine = make_engine(f"sqlite:///{copy}")
    try:
        assert current_revision(engine) == head_revision()
        with engine.connect() as connection:
            credits = connection.execute(select(func.count()).select_from(CreditRow)).scalar()
        assert credits == 1
    finally:
        engine.dispose()
    assert [p.name for p in copy.parent.iterdir()] == ["creditbot-copy.db"]  # no -wal beside it


def test_a_backup_never_overwrites_a_file(cli: Cli, tmp_path: Path, db_backend: str) -> None:
    assert cli("db", "upgrade").code == 0
    existing = tmp_path / "keep.db"
    existing.write_text("precious", encoding="utf-8")
    result = cli("db", "backup", str(existing))
    assert result.code == 1
    assert existing.read_text(encoding="utf-8") == "precious"
