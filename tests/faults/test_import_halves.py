"""A large JSON Lines import read in two halves (the second by a forked process) gives
what reading it in one does: the same credits, the first bad line of the file named by
its number, the first line of an unknown member named."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import Cli


@pytest.fixture(autouse=True)
def _split_every_file(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("bot.services.ledger.import_split.SPLIT_BYTES", 1)
    monkeypatch.setattr("bot.services.ledger.import_split._two_cores", lambda: True)


def _line(n: int, **changes: Any) -> dict[str, Any]:
    line = {
        "member": f"m{n % 7}@acme.example",
        "type": ("talk", "code", "support")[n % 3],
        "at": f"2026-09-{1 + n % 28:02d}T1{n % 10}:00:00Z",
        "ref": f"r-{n}",
    }
    line.update(changes)
    return line


def _write(path: Path, lines: list[dict[str, Any]], raw: dict[int, bytes] | None = None) -> Path:
    data = [json.dumps(line).encode() for line in lines]
    for number, text in (raw or {}).items():
        data[number - 1] = text
    path.write_bytes(b"\n".join(data) + b"\n")
    return path


def _one_line(cli: Cli, path: Path) -> str:
    result = cli("import", str(path))
    assert result.code == 1, (result.out, result.err)
    assert "Traceback" not in result.err
    return result.err.strip()


def test_a_file_read_in_two_halves_imports_every_line_once(cli: Cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    lines = [_line(n) for n in range(400)] + [_line(5, ref="r-5")]  # a repeat, at the end
    lines[300]["member"] = "late@newcomer.example"  # first named in the second half
    result = cli("import", str(_write(tmp_path / "c.jsonl", lines)))
    assert result.code == 0, result.err
    assert result.out.strip() == "401 lines: 400 credits added, 1 already known, 8 new members"
    report = json.loads(cli("report", "--month", "2026-09", "--format", "json").out)
    assert sum(m["credits"] for m in report["members"]) == 400
    points = {"talk": 5, "code": 5, "support": 2}
    assert sum(m["points"] for m in report["members"]) == sum(
        points[line["type"]] for line in lines[:400]
    )


@pytest.mark.parametrize("half", ["first", "second"])
def test_a_bad_line_in_either_half_is_named_by_its_number_and_nothing_is_stored(
    cli: Cli, tmp_path: Path, half: str
) -> None:
    assert cli("db", "upgrade").code == 0
    number = 40 if half == "first" else 360
    path = _write(tmp_path / "c.jsonl", [_line(n) for n in range(400)], {number: b"{not json"})
    assert f"{path}:{number}: not valid JSON" in _one_line(cli, path)
    assert cli("member", "info", "m1@acme.example").code == 1


def test_of_bad_lines_in_both_halves_the_first_is_named(cli: Cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    lines = [_line(n) for n in range(400)]
    lines[349]["type"] = "nonsense"
    path = _write(tmp_path / "c.jsonl", lines, {120: b'{"member": 3}'})
    line = _one_line(cli, path)
    assert f"{path}:120:" in line and "nonsense" not in line


def test_text_that_is_not_utf8_in_the_second_half_is_refused(cli: Cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    path = _write(tmp_path / "c.jsonl", [_line(n) for n in range(400)], {390: b'{"m": "\xff"}'})
    assert f"{path}: not UTF-8 text" in _one_line(cli, path)


def test_an_unknown_member_is_named_at_their_first_line_across_the_halves(
    cli: Cli, tmp_path: Path
) -> None:
    assert cli("db", "upgrade").code == 0
    lines = [_line(n) for n in range(400)]
    lines[150]["member"] = lines[330]["member"] = "U0NOBODY"  # a Slack id nobody has, in each half
    line = _one_line(cli, _write(tmp_path / "c.jsonl", lines))
    assert ":151: no member known as slack 'U0NOBODY'" in line, line
