"""`creditbot distinguished list|export` and the two jobs from the command line.

Administrators see outcomes and tallies, never who voted how."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.runtime import Runtime
from tests.support.builders.distinguished import PANEL, cast, decide_at, nominate_now, person
from tests.support.cli import CliResult
from tests.support.clock import FixedClock

Cli = Callable[..., CliResult]


@pytest.fixture
def decided(in_window: Runtime, clock: FixedClock) -> Runtime:
    """2026: Alice approved (3 approve, 1 decline), Bob without quorum (1 of 4 seats),
    Acme declined (1 approve, 2 decline, 1 abstain)."""
    person(in_window, "U0ALICE", "Alice Martin")
    person(in_window, "U0BOB", "Bob Stone")
    alice = nominate_now(in_window, "U0ALICE").nomination
    bob = nominate_now(in_window, "U0BOB", "advocate").nomination
    acme = nominate_now(in_window, "acme", "partner", "Hosts every meetup.").nomination
    for seat, value in zip(PANEL, ("approve", "approve", "approve", "decline"), strict=True):
        cast(in_window, alice.id, seat, value)
    cast(in_window, bob.id, PANEL[0], "approve")
    for seat, value in zip(PANEL, ("approve", "decline", "decline", "abstain"), strict=True):
        cast(in_window, acme.id, seat, value)
    decide_at(in_window, clock)
    return in_window


def assert_no_voter(text: str) -> None:
    for seat in PANEL:
        assert seat not in text


def test_list_shows_outcomes_with_tallies_and_the_current_members(
    decided: Runtime, cli: Cli
) -> None:
    result = cli("distinguished", "list", "--cycle", "2026", "--on", "2027-01-01")
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[0] == "Nominations (cycle 2026): 3"
    assert lines[1].endswith(
        "2026 Alice Martin for Distinguished Engineer: approved (3 approve, 1 decline, "
        "0 abstain of 4 seats; quorum reached); nominated by U0NOMINATOR"
    )
    assert (
        "Bob Stone for Distinguished Advocate: no quorum (1 approve, 0 decline, 0 abstain"
        in (lines[2])
    )
    assert (
        "Acme Learning for Distinguished Partner: declined (1 approve, 2 decline, 1 abstain"
        in (lines[3])
    )
    assert "Alice Martin: Distinguished Engineer, since 2026-12-01, until 2028-12-01" in (
        result.out
    )
    assert_no_voter(result.out + result.err)


def test_list_as_json_filters_by_status_and_names_no_voter(decided: Runtime, cli: Cli) -> None:
    result = cli(
        "distinguished", "list", "--status", "approved", "--format", "json", "--on", "2026-12-01"
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    [only] = data["nominations"]
    assert (only["nominee"], only["status"], only["votes_cast"]) == ("Alice Martin", "approved", 4)
    assert only["tally"] == {
        "approve": 3,
        "decline": 1,
        "abstain": 0,
        "seats": 4,
        "quorum_reached": True,
        "outcome": "approved",
    }
    assert [(m["name"], m["track"], m["status"]) for m in data["members"]] == [
        ("Alice Martin", "engineer", "active")
    ]
    assert_no_voter(result.out)


def test_export_as_csv_lists_members_and_nominations_with_tallies(
    decided: Runtime, cli: Cli
) -> None:
    result = cli("distinguished", "export")
    assert result.code == 0, result.err
    rows = list(csv.DictReader(io.StringIO(result.out)))
    assert [(r["record"], r["name"], r["status"]) for r in rows] == [
        ("member", "Alice Martin", "active"),
        ("nomination", "Alice Martin", "approved"),
        ("nomination", "Bob Stone", "no_quorum"),
        ("nomination", "Acme Learning", "declined"),
    ]
    member = rows[0]
    assert (member["track"], member["started"], member["ends"]) == (
        "engineer",
        "2026-12-01",
        "2028-12-01",
    )
    acme = rows[3]
    assert (acme["approve"], acme["decline"], acme["abstain"], acme["seats"]) == (
        "1",
        "2",
        "1",
        "4",
    )
    assert_no_voter(result.out)


def test_export_as_json_to_a_file(decided: Runtime, cli: Cli, tmp_path: Path) -> None:
    target = tmp_path / "programme.json"
    result = cli("distinguished", "export", "--format", "json", "--output", str(target))
    assert result.code == 0, result.err
    assert result.out.strip() == f"wrote 1 members and 3 nominations to {target}"
    data = json.loads(target.read_text("utf-8"))
    assert [n["status"] for n in data["nominations"]] == ["approved", "no_quorum", "declined"]
    assert_no_voter(target.read_text("utf-8"))


def test_bad_options_get_one_clear_line(runtime: Runtime, cli: Cli, tmp_path: Path) -> None:
    status = cli("distinguished", "list", "--status", "maybe")
    assert status.code == 2
    assert "'maybe' is not one of" in status.err
    fmt = cli("distinguished", "export", "--format", "xml")
    assert fmt.code == 2
    day = cli("distinguished", "list", "--on", "2026-13-01")
    assert (day.code, "'2026-13-01' is not a day (YYYY-MM-DD)" in day.err) == (2, True)
    cycle = cli("distinguished", "list", "--cycle", "0")
    assert (cycle.code, "0 is not a year" in cycle.err) == (2, True)
    nowhere = cli("distinguished", "export", "--output", str(tmp_path / "no" / "such" / "x.csv"))
    assert nowhere.code == 1
    assert nowhere.err.startswith("creditbot: cannot write ")
    assert len(nowhere.err.strip().splitlines()) == 1


def test_the_decide_job_runs_once_per_cycle_from_the_command_line(
    in_window: Runtime, cli: Cli
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    nomination = nominate_now(in_window, "U0ALICE").nomination
    for seat in PANEL[:2]:
        cast(in_window, nomination.id, seat, "approve")
    early = cli("jobs", "run", "distinguished-decide", "--at", "2026-11-30T12:00:00")
    assert early.code == 1
    assert "Voting for 2026 is open until 1 December 2026 00:00 (UTC)" in early.err

    first = cli("jobs", "run", "distinguished-decide", "--at", "2026-12-01T09:00:00")
    assert "distinguished-decide for 2026: distinguished cycle 2026: 1 nominations decided " in (
        first.out
    )
    assert "(1 approved, 0 declined, 0 without quorum)" in first.out
    again = cli("jobs", "run", "distinguished-decide", "--year", "2026")
    assert again.code == 0
    assert "distinguished-decide already ran for 2026" in again.out
    assert_no_voter(first.out + first.err + again.out)


def test_the_jobs_refuse_periods_of_the_wrong_shape(runtime: Runtime, cli: Cli) -> None:
    year = cli("jobs", "run", "distinguished-decide", "--year", "26")
    assert (year.code, year.err.strip()) == (1, "creditbot: '26' is not a year; expected YYYY")
    month = cli("jobs", "run", "distinguished-decide", "--month", "2026-10")
    assert month.code == 1 and "'2026-10' is not a year" in month.err
    both = cli("jobs", "run", "distinguished-decide", "--year", "2026", "--at", "2026-12-01")
    assert both.code == 2
    past = cli("jobs", "run", "distinguished-decide", "--year", "2020")
    assert past.code == 0
    assert "distinguished cycle 2020: no open nomination to decide" in past.out


def test_the_terms_job_runs_for_the_day_of_at(runtime: Runtime, cli: Cli) -> None:
    result = cli("jobs", "run", "distinguished-terms", "--at", "2026-09-01T10:00:00")
    assert result.code == 0, result.err
    assert "distinguished-terms for 2026-09-01: distinguished terms on 2026-09-01: 0 reminders" in (
        result.out
    )
