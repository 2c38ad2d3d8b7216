"""A JSON Lines import whose line escapes half of a UTF-16 surrogate pair (``\\udc00``,
text no database stores) is refused by that line's number with one clear line and exit
1, storing nothing, wherever the escape is; a whole pair (an emoji) is imported."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from storage.engine import make_engine
from storage.tables import CreditRow
from tests.support.cli import CliResult
from tests.support.databases import database_url

Cli = Callable[..., CliResult]
GOOD = {"member": "ada@acme.example", "type": "code", "at": "2026-02-03T10:00:00Z", "ref": "r1"}


def _import(cli: Cli, tmp_path: Path, second: str) -> CliResult:
    path = tmp_path / "credits.jsonl"
    path.write_text(json.dumps(GOOD) + "\n" + second + "\n", encoding="utf-8")
    assert cli("db", "upgrade").code == 0
    return cli("import", str(path))


@pytest.mark.parametrize(
    "second",
    [
        '{"member": "ada@acme.example", "type": "code", "at": "2026-02-03", "ref": "r\\udc00"}',
        '{"member": "bo\\ud800@acme.example", "type": "code", "at": "2026-02-03", "ref": "r2"}',
        '{"member": "bo@acme.example", "type": "code", "at": "2026-02-03", "note": "\\ud83d"}',
        '{"member": "bo@acme.example", "type": "code", "at": "2026-02-03", "source": "\\udfff"}',
        '{"member": "bo@acme.example", "type": "code", "at": "2026-02-03", "x\\udc00": 1}',
        '{"member": "bo@acme.example", "type": "code", "at": "2026-02-03", "points": '
        + "9" * 30
        + ', "ref": "\\udc00"}',
    ],
    ids=["ref", "member", "note", "source", "key", "with-a-long-number"],
)
def test_a_line_escaping_half_a_surrogate_pair_is_refused_by_its_number(
    cli: Cli, tmp_path: Path, second: str
) -> None:
    result = _import(cli, tmp_path, second)
    assert result.code == 1, result.err[-500:]
    assert result.err.startswith("creditbot: ") and result.err.count("\n") == 1, result.err[-500:]
    assert ":2: not valid JSON (" in result.err and "surrogate" in result.err
    engine = make_engine(database_url(tmp_path))
    try:
        with engine.connect() as connection:
            assert connection.execute(select(func.count()).select_from(CreditRow)).scalar() == 0
    finally:
        engine.dispose()


def test_a_line_escaping_a_whole_surrogate_pair_is_imported(cli: Cli, tmp_path: Path) -> None:
    second = (
        '{"member": "bo@acme.example", "type": "talk", "at": "2026-02-03",'
        ' "note": "\\ud83d\\ude00", "ref": "r\\ud83d\\ude00"}'
    )
    result = _import(cli, tmp_path, second)
    assert (result.code, result.out) == (
        0,
        "2 lines: 2 credits added, 0 already known, 2 new members\n",
    ), result.err
