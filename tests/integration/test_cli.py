from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.config import load_config
from storage.engine import make_engine
from storage.tables import CreditRow
from tests.support.cli import CliResult
from tests.support.databases import database_url

Cli = Callable[..., CliResult]


def _credits_in_db(tmp_path: Path) -> int:
    engine = make_engine(database_url(tmp_path))
    try:
        with engine.connect() as conn:
            return int(conn.execute(select(func.count()).select_from(CreditRow)).scalar_one())
    finally:
        engine.dispose()


def _write_jsonl(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    return path


@pytest.fixture
def upgraded(cli: Cli) -> Cli:
    assert cli("db", "upgrade").code == 0
    return cli


def test_report_json_has_exactly_the_contract_shape(upgraded: Cli, tmp_path: Path) -> None:
    _write_jsonl(
        tmp_path / "c.jsonl",
        [
            {"member": "alice@acme.example", "type": "code", "at": "2026-10-02", "ref": "pr-1"},
            {"member": "alice@acme.example", "type": "support", "at": "2026-10-05", "ref": "q-1"},
            {"member": "bob@beta.example", "type": "code", "at": "2026-09-10", "ref": "pr-0"},
        ],
    )
    assert upgraded("import", str(tmp_path / "c.jsonl")).code == 0
    result = upgraded("report", "--month", "2026-10", "--format", "json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "month": "2026-10",
        "members": [
            {
                "name": "alice",
                "slack_id": None,
                "discourse_username": None,
                "organisation": "acme",
                "points": 7,
                "credits": 2,
            },
        ],
        "organisations": [
            {
                "slug": "acme",
                "name": "Acme Learning",
                "points": 7,
                "rank": 1,
                "previous_points": 0,
                "delta_points": 7,
                "previous_rank": None,
            },
            {
                "slug": "beta",
                "name": "Beta Pedagogy",
                "points": 0,
                "rank": None,
                "previous_points": 5,
                "delta_points": -5,
                "previous_rank": 1,
            },
        ],
        "new_contributors": 1,
        "new_members": 1,
    }


def test_importing_the_same_file_twice_adds_nothing_the_second_time(
    upgraded: Cli, tmp_path: Path
) -> None:
    path = _write_jsonl(
        tmp_path / "talks.jsonl",
        [
            {"member": "alice@acme.example", "type": "talk", "at": "2026-10-02T18:00:00+02:00"},
            {"member": "alice@acme.example", "type": "talk", "at": "2026-10-09", "ref": "meetup-9"},
        ],
    )
    first = upgraded("import", str(path))
    second = upgraded("import", str(path))
    assert "2 credits added" in first.out
    assert "0 credits added, 2 already known" in second.out
    assert _credits_in_db(tmp_path) == 2


def test_a_bad_import_line_names_its_number_and_stores_nothing(
    upgraded: Cli, tmp_path: Path
) -> None:
    path = _write_jsonl(
        tmp_path / "bad.jsonl",
        [
            {"member": "alice@acme.example", "type": "talk", "at": "2026-10-02"},
            {"member": "bob@acme.example", "type": "juggling", "at": "2026-10-03"},
        ],
    )
    result = upgraded("import", str(path))
    assert result.code == 1
    assert "bad.jsonl:2: unknown contribution type 'juggling'" in result.err
    assert "Traceback" not in result.err
    assert _credits_in_db(tmp_path) == 0


@pytest.mark.parametrize("at", ["1999-12-31", "2999-01-01T00:00:00Z", "2026-10-02T10:00:00Z\n"])
def test_a_moment_before_2000_or_after_tomorrow_is_refused_with_its_line_number(
    upgraded: Cli, tmp_path: Path, at: str
) -> None:
    good = {"member": "alice@acme.example", "type": "talk", "ref": "ok"}
    path = _write_jsonl(
        tmp_path / "dates.jsonl",
        [good | {"at": "2026-10-02T09:00:00Z"}, good | {"at": at.strip(), "ref": "late"}],
    )
    result = upgraded("import", str(path))
    if at.endswith("\n"):  # the same shape, in range: imported
        assert result.code == 0 and "2 credits added" in result.out
        return
    assert result.code == 1
    assert f"dates.jsonl:2: 'at' '{at[:10]}' is out of range; expected from 2000-01-01" in (
        result.err
    )
    assert _credits_in_db(tmp_path) == 0


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ({"type": "talk", "at": "2026-10-02"}, "'member' is missing"),
        ({"member": "a@acme.example", "type": "talk", "at": "yesterday"}, "not an ISO-8601"),
        (
            {"member": "a@acme.example", "type": "talk", "at": "2026-10-02", "points": "lots"},
            "whole number",
        ),
        (
            {"member": "a@acme.example", "type": "talk", "at": "2026-10-02", "points": 0},
            "points must be from 1",
        ),
        ({"member": "U0NOBODY", "type": "talk", "at": "2026-10-02"}, "no member known as slack"),
        (
            {
                "member": "a@acme.example",
                "type": "talk",
                "at": "2026-10-02",
                "organisation": "nope",
            },
            "no organisation with slug 'nope'",
        ),
    ],
)
def test_each_kind_of_bad_line_is_explained(
    upgraded: Cli, tmp_path: Path, line: dict[str, Any], expected: str
) -> None:
    path = _write_jsonl(tmp_path / "one.jsonl", [line])
    result = upgraded("import", str(path))
    assert result.code == 1 and expected in result.err and "one.jsonl:1" in result.err
    assert _credits_in_db(tmp_path) == 0


def test_csv_import_with_a_header_row(upgraded: Cli, tmp_path: Path) -> None:
    path = tmp_path / "prs.csv"
    path.write_text(
        "member,type,at,points,ref,source,note\n"
        "alice@acme.example,code,2026-10-01,7,https://example.org/pr/1,github,big fix\n"
        "alice@acme.example,review,2026-10-02,,https://example.org/pr/2,github,\n",
        encoding="utf-8",
    )
    assert "2 credits added" in upgraded("import", str(path)).out
    shown = upgraded("member", "info", "alice@acme.example").out
    assert "credits: 2 (10 points)" in shown and "acme" in shown


def test_credit_add_then_report_text(upgraded: Cli) -> None:
    added = upgraded(
        "credit",
        "add",
        "--member",
        "ines@gmail.com",
        "--type",
        "talk",
        "--date",
        "2026-10-12",
        "--note",
        "Meetup Lyon",
    )
    assert added.code == 0 and "independent" in added.out
    text = upgraded("report", "--month", "2026-10").out
    assert "ines" in text and "5 pts" in text


def test_a_bad_config_names_the_file_and_key_in_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("org", "list", config={"partner_rules": {"window_months": "three"}})
    assert result.code == 1
    assert result.err.count("\n") == 1
    assert "creditbot.yml: partner_rules.window_months:" in result.err
    assert "integer" in result.err


def test_a_misspelt_key_is_refused(cli: Cli) -> None:
    result = cli("org", "list", config={"slak": {"team_leads": []}})
    assert result.code == 1 and "slak: unknown key" in result.err


def test_wrong_usage_exits_2_with_the_usage_line(cli: Cli) -> None:
    result = cli("report", "--format", "pdf")
    assert result.code == 2 and "Usage:" in result.err


def test_an_unmigrated_database_names_db_upgrade(cli: Cli) -> None:
    result = cli("report", "--month", "2026-10")
    assert result.code == 1 and "creditbot db upgrade" in result.err


def test_a_bad_month_is_explained(upgraded: Cli) -> None:
    result = upgraded("report", "--month", "2026-13")
    assert result.code == 1 and "YYYY-MM" in result.err


def test_the_example_configuration_is_valid_and_documents_every_default() -> None:
    example = Path(__file__).parents[2] / "creditbot.example.yml"
    config = load_config(example)
    assert config.partner_rules.window_months == 3
    assert config.inactivity.org_decline_ratio == 0.5
    assert config.contribution_types["event"].points == 8


def test_org_list_shows_configured_organisations(upgraded: Cli) -> None:
    out = upgraded("org", "list").out
    assert "acme" in out and "partner" in out and "core" in out and "staff" in out
