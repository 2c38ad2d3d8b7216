"""An import builds the rows of its next chunk while the last one is inserted
(``bot.services.ledger.import_pipeline``): still all or nothing, first line wins."""

from __future__ import annotations

import json
import random
from typing import Any

import pytest
from sqlalchemy import inspect, select

from bot.runtime import Runtime
from bot.services.ledger.importing import import_credits
from storage.tables import CreditRow
from tests.integration.test_rollups import EMAILS, _ledger, _member, _rollups


def _write(tmp_path: Any, records: list[dict[str, Any]]) -> Any:
    file = tmp_path / "credits.jsonl"
    file.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return file


def _records() -> list[dict[str, Any]]:
    """70 credits in random order of their refs, one ref repeated later in the file."""
    records: list[dict[str, Any]] = [
        {
            "member": EMAILS[n % 4],
            "type": "code",
            "at": f"2026-0{1 + n % 6}-{10 + n % 18}T0{n % 10}:30:00Z",
            "ref": f"r{n}",
        }
        for n in range(70)
    ]
    random.Random(19).shuffle(records)
    records[5] |= {"note": "a talk", "organisation": "beta"}
    records.append(records[3] | {"type": "docs", "at": "2026-03-03T10:00:00Z"})
    return records


@pytest.mark.parametrize("driver", [False, True], ids=["json-chunks", "executemany"])
def test_a_chunked_import_in_any_order_stores_the_first_line_of_each_ref_and_equal_figures(
    runtime: Runtime, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, driver: bool
) -> None:
    monkeypatch.setattr("storage.bulk.BULK_ROWS", 10)
    monkeypatch.setattr("bot.services.ledger.importing._CHUNK", 7)
    if driver:
        monkeypatch.setattr("bot.services.ledger.importing.json_insert_available", lambda s: False)
    for email in EMAILS:
        _member(runtime, email)
    records = _records()
    file = _write(tmp_path, records)
    result = import_credits(runtime, file)
    assert (result.lines, result.added, result.already_known) == (71, 70, 1)
    columns = (CreditRow.type, CreditRow.occurred_at, CreditRow.note, CreditRow.organisation)
    with runtime.reader() as uow:
        stored = {
            ref: tuple(values)
            for ref, *values in uow.session.execute(select(CreditRow.source_ref, *columns))
        }
    assert sorted(stored) == sorted(f"r{n}" for n in range(70))
    kind, at, _, _ = stored[records[3]["ref"]]  # the first of the two lines with that ref
    assert (kind, at.isoformat()[:19]) == ("code", records[3]["at"][:19])
    assert stored[records[5]["ref"]][2:] == ("a talk", "beta")
    assert _rollups(runtime) == _ledger(runtime)
    assert import_credits(runtime, file).added == 0
    assert _rollups(runtime) == _ledger(runtime)


def test_a_failure_while_building_rows_midway_stores_nothing_and_keeps_the_indexes(
    runtime: Runtime, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.services.ledger import importing

    monkeypatch.setattr("storage.bulk.BULK_ROWS", 10)
    monkeypatch.setattr(importing, "_CHUNK", 7)
    built = importing.rows_and_cells
    calls = []

    def build_then_fail(*args: Any) -> Any:
        calls.append(1)
        if len(calls) == 3:  # in the worker thread, after chunks were inserted
            raise MemoryError("out of memory")
        return built(*args)

    monkeypatch.setattr(importing, "rows_and_cells", build_then_fail)
    for email in EMAILS:
        _member(runtime, email)
    with pytest.raises(MemoryError):
        import_credits(runtime, _write(tmp_path, _records()))
    assert _ledger(runtime) == ({}, {}) == _rollups(runtime)
    indexes = {i["name"] for i in inspect(runtime.engine).get_indexes("credit")}
    assert {"ix_credit_member_occurred", "ix_credit_org_occurred"} <= indexes
