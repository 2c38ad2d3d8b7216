"""A large import leaves SQLite's foreign-key look-ups to itself (its rows name members
it has just read or made): the transactions before and after it, on the same pooled
connection, check their references as always."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.runtime import Runtime
from bot.services.ledger.importing import import_credits
from storage.errors import ConflictingWrite

pytestmark = pytest.mark.databases("sqlite")

_ORPHAN = (
    "INSERT INTO credit (member_id, type, points, occurred_at, source, source_ref, note,"
    " created_at) VALUES (999999, 'code', 5, '2026-02-03 10:00:00.000000', 'test', 'orphan',"
    " '', '2026-02-03 10:00:00.000000')"
)


def _foreign_keys(runtime: Runtime, *, references_checked: bool) -> int:
    with runtime.uow(references_checked=references_checked) as uow:
        value = uow.session.connection().exec_driver_sql("PRAGMA foreign_keys").scalar()
        uow.commit()
    return int(value or 0)


def test_only_a_transaction_whose_references_are_checked_goes_without(runtime: Runtime) -> None:
    assert _foreign_keys(runtime, references_checked=False) == 1
    assert _foreign_keys(runtime, references_checked=True) == 0
    assert _foreign_keys(runtime, references_checked=False) == 1


def test_after_an_import_a_credit_naming_no_member_is_refused(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = tmp_path / "credits.jsonl"
    line = {"member": "ada@acme.example", "type": "code", "at": "2026-02-03T10:00:00Z"}
    path.write_text(json.dumps({**line, "ref": "r1"}) + "\n", encoding="utf-8")
    assert import_credits(runtime, path).added == 1
    with pytest.raises(ConflictingWrite, match="FOREIGN KEY"), runtime.uow() as uow:
        uow.session.connection().exec_driver_sql(_ORPHAN)
        uow.commit()
