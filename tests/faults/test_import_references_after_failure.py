"""An import that fails inside its transaction (a member no one knows, the figures'
thread failing) leaves its pooled connection checking references again: the next
writer's credit naming no member is refused, the import's own rows are gone."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.errors import NotFound
from bot.runtime import Runtime
from bot.services.ledger import importing
from storage.errors import ConflictingWrite
from storage.tables import CreditRow

pytestmark = pytest.mark.databases("sqlite")

_ORPHAN = (
    "INSERT INTO credit (member_id, type, points, occurred_at, source, source_ref, note,"
    " created_at) VALUES (999999, 'code', 5, '2026-02-03 10:00:00.000000', 'test', 'orphan',"
    " '', '2026-02-03 10:00:00.000000')"
)


def _write(path: Path, members: list[str]) -> Path:
    path.write_text(
        "".join(
            json.dumps({"member": m, "type": "code", "at": "2026-02-03T10:00:00Z", "ref": f"r{n}"})
            + "\n"
            for n, m in enumerate(members)
        ),
        encoding="utf-8",
    )
    return path


def _refused_orphan(runtime: Runtime) -> None:
    # one connection in the pool: the next writer gets the failed import's connection
    with pytest.raises(ConflictingWrite, match="FOREIGN KEY"), runtime.uow() as uow:
        uow.session.connection().exec_driver_sql(_ORPHAN)
        uow.commit()
    with runtime.reader() as uow:
        assert uow.session.execute(select(func.count()).select_from(CreditRow)).scalar() == 0


def test_after_an_import_naming_an_unknown_slack_user_a_credit_naming_no_member_is_refused(
    runtime: Runtime, tmp_path: Path
) -> None:
    path = _write(tmp_path / "credits.jsonl", ["ada@acme.example", "U0NOBODY1"])
    with pytest.raises(NotFound, match="no member known as slack 'U0NOBODY1'"):
        importing.import_credits(runtime, path)
    _refused_orphan(runtime)


def test_after_an_import_whose_figures_thread_fails_a_credit_naming_no_member_is_refused(
    runtime: Runtime, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def fails(*args: Any) -> Any:
        raise RuntimeError("out of memory")

    monkeypatch.setattr(importing, "count_cells", fails)
    path = _write(tmp_path / "credits.jsonl", ["ada@acme.example", "bo@beta.example"])
    with pytest.raises(RuntimeError, match="out of memory"):
        importing.import_credits(runtime, path)
    _refused_orphan(runtime)
