"""``creditbot import`` killed (SIGKILL) while it writes: nothing of the file stays, and
running the same import again stores every line once.

The kill lands at a chosen point, not at a random moment: the test watches the database
until the import is inside its transaction with batches of credits written (SQLite: the
write lock is held and uncommitted pages have spilled into the WAL file; PostgreSQL: the
import's connection is in a transaction that has sent ``INSERT INTO credit``), freezes
the process there (SIGSTOP), checks it is still inside that transaction, and kills it.
"""

from __future__ import annotations

import json
import os
import signal
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import func, select, text

from bot.runtime import Runtime
from storage.tables import CreditRow, MemberRow, columns
from tests.support.concurrency import wait_for
from tests.support.processes import Creditbot, Process
from tests.support.sqlite import sqlite_statement, sqlite_writing

#: SQLite needs enough lines for the import's pages to spill into the WAL before it
#: commits (the sign the test waits for); PostgreSQL shows the INSERT itself.
LINES = {"sqlite": 80_000, "postgresql": 8_000}  # long enough to be caught writing
PEOPLE = 200
SPILLED = 1_000_000  # bytes of WAL: far more than syncing the organisations writes

_credit = columns(CreditRow)


def _write_file(path: Path, lines: int) -> None:
    with path.open("w", encoding="utf-8") as out:
        for n in range(lines):
            line = {
                "member": f"person{n % PEOPLE}@acme.example",
                "type": "code" if n % 3 else "review",
                "at": f"2026-{1 + n % 10:02d}-{1 + n % 28:02d}T12:00:00Z",
                "ref": f"meetup-2026:{n}",
                "note": f"talk {n}",
            }
            out.write(json.dumps(line) + "\n")


def _count(runtime: Runtime, model: type, *where: object) -> int:
    with runtime.reader() as uow:
        query = select(func.count()).select_from(model).where(*where)  # type: ignore[arg-type]
        return int(uow.session.execute(query).scalar_one())


def _postgres_mid_import(runtime: Runtime) -> bool:
    """Whether another connection is in a transaction that has sent ``INSERT INTO credit``."""
    with runtime.reader() as uow:
        found = uow.session.execute(
            text(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND xact_start IS NOT NULL "
                "AND state IN ('active', 'idle in transaction') "
                "AND query ILIKE 'INSERT INTO credit%'"
            )
        ).scalar_one()
    return int(found) > 0


def _freeze_mid_import(process: Process, check: Callable[[], bool]) -> None:
    """Wait until ``check`` says the import is writing, freeze it there, and make sure it
    still is (frozen, it cannot commit)."""
    wait_for("the import to write its first batches", lambda: not process.alive() or check())
    os.kill(process.popen.pid, signal.SIGSTOP)
    assert process.alive(), "the import finished before it could be stopped"
    assert check(), "the import left its transaction before it could be stopped"


def test_an_import_killed_while_writing_leaves_nothing_and_a_second_run_stores_each_line_once(
    tmp_path: Path, runtime: Runtime, creditbot: Creditbot, db_backend: str
) -> None:
    lines = LINES[db_backend]
    credits = tmp_path / "meetups.jsonl"
    _write_file(credits, lines)
    database = tmp_path / "creditbot.db"
    if db_backend == "sqlite":
        # An empty WAL file: what grows in it now is the import's.
        sqlite_statement(database, "PRAGMA wal_checkpoint(TRUNCATE)")
    members_before = _count(runtime, MemberRow)

    importing = creditbot.start("import", str(credits))
    if db_backend == "sqlite":
        _freeze_mid_import(importing, lambda: sqlite_writing(database, SPILLED))
    else:
        _freeze_mid_import(importing, lambda: _postgres_mid_import(runtime))
    assert importing.kill() == -signal.SIGKILL

    # Nothing of the file was kept: no credit, no member it would have created.
    assert _count(runtime, CreditRow) == 0
    assert _count(runtime, MemberRow) == members_before
    if db_backend == "sqlite":
        assert sqlite_statement(database, "PRAGMA integrity_check") == ("ok",)

    again = creditbot.run("import", str(credits))
    assert again.returncode == 0, again.stderr
    assert again.stdout == (
        f"{lines} lines: {lines} credits added, 0 already known, {PEOPLE} new members\n"
    )
    assert _count(runtime, CreditRow) == lines
    with runtime.reader() as uow:
        refs = uow.session.execute(select(func.count(func.distinct(_credit.source_ref)))).scalar()
    assert refs == lines
    assert _count(runtime, MemberRow) == members_before + PEOPLE
