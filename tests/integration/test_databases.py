"""The storage behaves alike on SQLite and PostgreSQL, with several processes writing at once.

Every test here runs on both databases (``db_backend``). The races are real: threads
with a connection each, released together by a barrier, or separate processes.
"""

from __future__ import annotations

import os
import subprocess
import sys
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any, TypeVar

import yaml
from sqlalchemy import func, inspect, select

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from storage.engine import make_engine
from storage.migrate import current_revision, head_revision
from storage.repositories.credits import credit_values
from storage.tables import CreditRow, IdentityRow, MemberRow
from tests.support.clock import FixedClock
from tests.support.config import BASE_CONFIG
from tests.support.databases import database_url

T = TypeVar("T")
WORKERS = 4


def _all_at_once(work: Callable[[int], T], workers: int = WORKERS) -> list[T]:
    """Run ``work(i)`` in ``workers`` threads released together; their results, in order."""
    barrier = threading.Barrier(workers)
    results: list[Any] = [None] * workers
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            barrier.wait(timeout=30)
            results[i] = work(i)
        except BaseException as error:  # pragma: no cover - the assertion below shows it
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    return results


def _count(runtime: Runtime, model: type[Any]) -> int:
    with runtime.reader() as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


def test_two_processes_upgrading_one_database_at_once_both_succeed(
    tmp_path: Path, db_backend: str
) -> None:
    url = database_url(tmp_path)
    config = tmp_path / "creditbot.yml"
    config.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    env = {**os.environ, "DATABASE_URL": url, "CREDITBOT_CONFIG": str(config)}
    command = [sys.executable, "-c", "from bot.cli import run; run()", "db", "upgrade"]
    processes = [
        subprocess.Popen(command, env=env, cwd=tmp_path, stdout=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    outputs = sorted(p.communicate(timeout=120)[0].strip() for p in processes)
    assert [p.returncode for p in processes] == [0, 0]
    head = head_revision()
    assert outputs == [
        f"database already at revision {head}",
        f"database upgraded from empty to {head}",
    ]
    engine = make_engine(url)
    try:
        assert current_revision(engine) == head
    finally:
        engine.dispose()


def test_times_are_stored_as_instants_and_come_back_in_utc(runtime: Runtime) -> None:
    paris = timezone(timedelta(hours=2))
    written = datetime(2026, 10, 31, 23, 30, tzinfo=paris)
    with runtime.uow() as uow:
        assert uow.outbox.enqueue("k", "slack", "post", "C1", {"text": "hi"}, written)
        uow.commit()
    with runtime.reader() as uow:
        message = uow.outbox.by_key("k")
    assert message is not None
    assert message.created_at == written
    assert message.created_at.tzinfo == UTC
    assert message.created_at.isoformat() == "2026-10-31T21:30:00+00:00"
    if runtime.engine.dialect.name == "postgresql":
        kinds = {c["name"]: str(c["type"]) for c in inspect(runtime.engine).get_columns("outbox")}
        assert kinds["created_at"] == "TIMESTAMP"
        with runtime.engine.connect() as connection:
            data_type = connection.exec_driver_sql(
                "SELECT data_type FROM information_schema.columns "
                "WHERE table_name = 'outbox' AND column_name = 'created_at'"
            ).scalar()
        assert data_type == "timestamp with time zone"


def test_a_bulk_insert_skips_known_references_and_counts_only_new_rows(
    runtime: Runtime, clock: FixedClock
) -> None:
    with runtime.uow() as uow:
        member, _ = ensure_member(
            uow, runtime.config, [Identity(IdentityKind.EMAIL, "a@acme.example")], "A", clock()
        )
        uow.commit()

    def rows(refs: range) -> list[dict[str, Any]]:
        return [
            {
                "member_id": member.id,
                "type": "code",
                "points": 5,
                "occurred_at": datetime(2026, 10, 1, tzinfo=UTC) + timedelta(hours=n),
                "source": "github",
                "source_ref": f"pr-{n}",
                "explicit_organisation": None,
                "organisation": "acme",
                "granted_by": None,
                "note": "",
                "created_at": clock(),
            }
            for n in refs
        ]

    with runtime.uow() as uow:
        assert uow.credits.add_many(rows(range(0, 3))) == 3
        uow.commit()
    with runtime.uow() as uow:
        assert uow.credits.add_many(rows(range(1, 6))) == 3
        uow.commit()
    with runtime.reader() as uow:
        stored = uow.credits.by_ref("github", "pr-5")
    assert _count(runtime, CreditRow) == 6
    assert stored is not None
    assert stored.occurred_at == datetime(2026, 10, 1, 5, tzinfo=UTC)
    assert credit_values(stored, clock())["occurred_at"].tzinfo == UTC


def test_the_same_new_person_seen_by_several_writers_at_once_is_one_member(
    runtime: Runtime, clock: FixedClock
) -> None:
    identities = [Identity(IdentityKind.SLACK, "U0NEW"), Identity(IdentityKind.EMAIL, "n@x.org")]

    def see(_i: int) -> tuple[int, bool]:
        with runtime.uow() as uow:
            member, created = ensure_member(uow, runtime.config, identities, "New", clock())
            uow.commit()
        return member.id, created

    results = _all_at_once(see)
    assert len({member_id for member_id, _ in results}) == 1
    assert sorted(created for _, created in results) == [False] * (WORKERS - 1) + [True]
    assert _count(runtime, MemberRow) == 1
    assert _count(runtime, IdentityRow) == 2


def test_workers_racing_for_the_outbox_take_each_message_exactly_once(
    runtime: Runtime, clock: FixedClock
) -> None:
    with runtime.uow() as uow:
        for n in range(40):
            uow.outbox.enqueue(f"m{n}", "slack", "post", f"C{n}", {"text": str(n)}, clock())
        uow.commit()

    def drain(i: int) -> list[str]:
        taken: list[str] = []
        while True:
            with runtime.uow() as uow:
                claimed = uow.outbox.claim_due(f"worker-{i}", clock(), limit=3)
                uow.commit()
            if not claimed:
                return taken
            taken += [m.key for m in claimed]

    results = _all_at_once(drain)
    every = [key for taken in results for key in taken]
    assert sorted(every) == sorted(f"m{n}" for n in range(40))
    assert len(set(every)) == len(every)


def test_processes_racing_for_one_job_period_let_exactly_one_run_it(
    runtime: Runtime, clock: FixedClock
) -> None:
    def claim(i: int) -> bool:
        with runtime.uow() as uow:
            won = uow.jobs.claim("monthly-shoutout", "2026-10", f"replica-{i}", clock(), 60)
            uow.commit()
        return won

    assert sorted(_all_at_once(claim)) == [False] * (WORKERS - 1) + [True]
    with runtime.reader() as uow:
        run = uow.jobs.status("monthly-shoutout", "2026-10")
    assert run is not None and run.status == "running"

    # Its owner dies; once the lease ran out, exactly one of the others takes it over.
    clock.set(clock() + timedelta(seconds=61))
    assert sorted(_all_at_once(claim)) == [False] * (WORKERS - 1) + [True]
