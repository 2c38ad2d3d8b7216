"""``creditbot import`` counts the monthly figures in a thread while SQLite builds the
indexes: a failure there undoes the whole import, and the figures it counts are those
the ledger gives, at a programme timezone's month edges too."""

from __future__ import annotations

import json
import random
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, inspect, select

from bot.runtime import Runtime
from storage.engine import make_engine
from storage.tables import CreditRow, MemberMonthRow, MemberRow
from tests.support.databases import database_url

PEOPLE = ("ada@acme.example", "bo@beta.example", "cy@gmail.com", "di@acme.example")


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["timezone"] = "Asia/Kathmandu"  # +05:45: a month starts at 18:15 UTC
    return config_data


def _write(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def _stored(runtime: Runtime) -> tuple[Any, ...]:
    with runtime.reader() as uow:
        return (
            uow.session.execute(select(func.count()).select_from(CreditRow)).scalar(),
            uow.session.execute(select(func.count()).select_from(MemberMonthRow)).scalar(),
            uow.session.execute(select(MemberRow.first_seen)).scalars().all(),
        )


@pytest.mark.parametrize("bulk_rows", [20_000, 10], ids=["small", "bulk"])
@pytest.mark.parametrize("known", [False, True], ids=["all-new", "some-known"])
def test_an_import_whose_counting_thread_fails_stores_nothing_and_keeps_the_indexes(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bulk_rows: int, known: bool
) -> None:
    from bot.services.ledger import importing

    monkeypatch.setattr("storage.bulk.BULK_ROWS", bulk_rows)
    lines = [
        json.dumps(
            {
                "member": PEOPLE[0],
                "type": "code",
                "at": f"2026-02-0{1 + n % 9}T10:00:00Z",
                "ref": f"k{n}",
            }
        )
        for n in range(30)
    ]
    if known:  # some lines known already: the figures are rebuilt in SQL, mid-load
        assert importing.import_credits(runtime, _write(tmp_path / "one.jsonl", lines[:1])).added
    before = _stored(runtime)

    def fails(*args: Any) -> Any:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(importing, "count_cells", fails)
    with pytest.raises(RuntimeError):
        importing.import_credits(runtime, _write(tmp_path / "all.jsonl", lines))
    assert _stored(runtime) == before
    indexes = {i["name"] for i in inspect(runtime.engine).get_indexes("credit")}
    assert {"ix_credit_member_occurred", "ix_credit_org_occurred"} <= indexes


def _figures(tmp_path: Path) -> set[tuple[Any, ...]]:
    engine = make_engine(database_url(tmp_path))
    try:
        with engine.connect() as conn:
            return {tuple(row) for row in conn.execute(select(MemberMonthRow.__table__))}  # type: ignore[attr-defined]
    finally:
        engine.dispose()


def test_a_large_import_at_month_edges_counts_what_rebuilding_the_figures_counts(
    cli: Any, tmp_path: Path
) -> None:
    """21,000 lines (the bulk path) around Kathmandu's month starts, in any order, some
    with an offset or a fraction of a second; then again with 500 more."""
    assert cli("db", "upgrade").code == 0
    rng = random.Random(7)
    starts = [
        datetime(2026, m, 1, tzinfo=UTC) - timedelta(hours=5, minutes=45) for m in range(2, 8)
    ]
    newfoundland = timezone(timedelta(hours=-3, minutes=-30))

    def line(n: int) -> str:
        at = rng.choice(starts) + timedelta(minutes=rng.randint(-1500, 1500))
        text = at.strftime("%Y-%m-%dT%H:%M:%SZ")
        if n % 97 == 0:
            text = at.astimezone(newfoundland).isoformat()
        elif n % 89 == 0:
            text = at.strftime("%Y-%m-%dT%H:%M:%S.25Z")
        return json.dumps({"member": PEOPLE[n % 4], "type": "code", "at": text, "ref": f"r{n}"})

    lines = [line(n) for n in range(21_000)]
    rng.shuffle(lines)
    months = [f"2026-{m:02d}" for m in range(1, 8)]
    # every line new (the figures counted aside), then some new among known ones
    for name, part in (("new.jsonl", lines[:20_500]), ("all.jsonl", lines)):
        result = cli("import", str(_write(tmp_path / name, part)))
        assert result.code == 0, result.err
        reports = [cli("report", "--month", m, "--format", "json").out for m in months]
        counted = _figures(tmp_path)
        assert cli("db", "rebuild-rollups").code == 0
        assert _figures(tmp_path) == counted and len(counted) > 20
        assert [cli("report", "--month", m, "--format", "json").out for m in months] == reports
