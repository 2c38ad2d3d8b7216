"""Edge input on the command line: one clear line and exit 1, never a traceback, and
nothing stored. The sane range is :mod:`scoring.bounds` (dates from 2000-01-01 to
tomorrow, points and amounts with bounds); every command that takes a date, a month, a
number or a member checks it there."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from tests.support.cli import CliResult

Cli = Callable[..., CliResult]
HUGE = "9" * 5000


def _one_clear_line(result: CliResult) -> str:
    assert result.code == 1, (result.code, result.out, result.err[-500:])
    assert "Traceback" not in result.err
    lines = result.err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("creditbot: "), result.err[-500:]
    assert len(lines[0]) < 300
    return lines[0]


@pytest.fixture
def known_member(cli: Cli) -> None:
    assert cli("db", "upgrade").code == 0
    assert cli("credit", "add", "--member", "ann@acme.example", "--type", "talk").code == 0


@pytest.mark.parametrize("reference", ["²", "99999999999999999999999999", "٣"])
def test_member_info_of_a_number_no_database_holds_says_no_such_member(
    cli: Cli, known_member: None, reference: str
) -> None:
    assert "no member known" in _one_clear_line(cli("member", "info", reference))


def test_a_report_for_year_one_is_out_of_range(cli: Cli, known_member: None) -> None:
    line = _one_clear_line(cli("report", "--month", "0001-01"))
    assert "out of range" in line and "2000-01" in line


@pytest.mark.parametrize(
    "args",
    [
        ("report", "--month", "9999-12"),
        ("shoutout", "preview", "--month", "9999-12"),
        ("jobs", "run", "monthly-shoutout", "--month", "9999-12"),
        ("jobs", "run", "standing", "--month", "9999-12"),
    ],
)
def test_the_last_month_of_year_9999_is_out_of_range_as_typed(
    cli: Cli, known_member: None, args: tuple[str, ...]
) -> None:
    line = _one_clear_line(cli(*args))
    assert "'9999-12' is out of range" in line and "9999-11" in line


@pytest.mark.parametrize("amount", ["1e30", "1e999999"])
def test_a_payment_of_an_absurd_amount_is_refused(
    cli: Cli, known_member: None, amount: str
) -> None:
    result = cli("finance", "add", "--org", "acme", "--date", "2026-10-01", "--amount", amount)
    assert "out of range" in _one_clear_line(result)
    assert "recorded" not in result.out


def test_a_payment_dated_at_the_end_of_year_9999_east_of_utc_is_refused(
    cli: Cli, config_data: dict[str, Any]
) -> None:
    config_data["timezone"] = "Asia/Tokyo"
    assert cli("db", "upgrade", config=config_data).code == 0
    result = cli(
        "finance", "add", "--org", "acme", "--date", "9999-12-31T20:00", "--amount", "10",
        config=config_data,
    )  # fmt: skip
    assert "out of range" in _one_clear_line(result)
    assert "recorded" not in result.out


def test_an_affiliation_from_year_one_is_refused(cli: Cli, known_member: None) -> None:
    result = cli("member", "affiliate", "ann@acme.example", "--org", "beta", "--from", "0001-01-01")
    assert "--from" in _one_clear_line(result)


def test_a_credit_dated_in_year_one_is_refused_and_stored_nowhere(
    cli: Cli, known_member: None
) -> None:
    result = cli(
        "credit", "add", "--member", "ann@acme.example", "--type", "talk", "--date", "0001-01-01"
    )
    assert "out of range" in _one_clear_line(result)
    shown = cli("member", "info", "ann@acme.example")
    assert "credits: 1 " in shown.out and "0001" not in shown.out


def test_a_credit_dated_in_1999_is_refused_too(cli: Cli, known_member: None) -> None:
    result = cli(
        "credit", "add", "--member", "ann@acme.example", "--type", "talk", "--date", "1999-12-31"
    )
    assert "2000-01-01" in _one_clear_line(result)


def test_an_import_line_with_five_thousand_digit_points_is_named(
    cli: Cli, known_member: None, tmp_path: Path
) -> None:
    good = {"member": "bob@acme.example", "type": "talk", "at": "2026-10-01", "ref": "ok-1"}
    bad = {"member": "ann@acme.example", "type": "talk", "at": "2026-10-02", "ref": "bad"}
    path = tmp_path / "credits.jsonl"
    path.write_text(
        json.dumps(good) + "\n" + json.dumps(bad)[:-1] + f', "points": {HUGE}}}\n',
        encoding="utf-8",
    )
    line = _one_clear_line(cli("import", str(path)))
    assert f"{path}:2:" in line and "points" in line
    assert "bob" not in cli("member", "info", "bob@acme.example").out


def test_an_import_line_dated_in_year_one_is_named(
    cli: Cli, known_member: None, tmp_path: Path
) -> None:
    path = tmp_path / "credits.csv"
    path.write_text("member,type,at\nann@acme.example,talk,1970-01-01\n", encoding="utf-8")
    line = _one_clear_line(cli("import", str(path)))
    assert f"{path}:2:" in line and "out of range" in line


@pytest.mark.parametrize(
    "args",
    [
        ("standing", "--month", "0001-01"),
        ("monthly-shoutout", "--month", "1999-12"),
        ("inactivity", "--at", "0002-01-01"),
    ],
)
def test_a_job_for_a_period_before_the_programme_is_refused_in_one_line(
    cli: Cli, known_member: None, args: tuple[str, ...]
) -> None:
    assert "period" in _one_clear_line(cli("jobs", "run", *args))
