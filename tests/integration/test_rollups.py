"""The maintained monthly figures always equal the ledger, whatever writes happened."""

from __future__ import annotations

from collections import defaultdict
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import inspect, select

from bot.config import parse_config
from bot.runtime import Runtime
from bot.services.ledger.credits import record_credit, withdraw_credit
from bot.services.ledger.members import ensure_member, set_affiliation
from scoring.models import Identity, IdentityKind
from scoring.months import month_of
from storage.tables import CreditRow, MemberMonthRow, OrganisationMonthRow

EMAILS = ("ada@acme.example", "bo@beta.example", "cy@gmail.com", "di@project.example")
ORGS = (None, "acme", "beta", "core")
START = datetime(2026, 1, 1, tzinfo=UTC)

Cells = dict[tuple[str, int, str], tuple[int, int]]
OrgCells = dict[tuple[str, str], tuple[int, int, int]]


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["timezone"] = "Pacific/Auckland"  # month ends far from UTC midnight
    return config_data


def _ledger(runtime: Runtime) -> tuple[Cells, OrgCells]:
    """The figures computed directly from the ledger, in the programme's timezone."""
    cells: dict[tuple[str, int, str], list[int]] = defaultdict(lambda: [0, 0])
    with runtime.reader() as uow:
        rows = uow.session.execute(
            select(CreditRow.member_id, CreditRow.organisation, CreditRow.points)
            .add_columns(CreditRow.occurred_at)
            .where(CreditRow.withdrawn_at.is_(None))  # type: ignore[union-attr]
        ).all()
    for member_id, organisation, points, at in rows:
        cell = cells[(str(month_of(at, runtime.config.tz)), member_id, organisation or "")]
        cell[0] += points
        cell[1] += 1
    orgs: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    for (month, _, organisation), (points, count) in cells.items():
        org = orgs[(month, organisation)]
        org[0] += points
        org[1] += count
        org[2] += 1
    return (
        {k: (v[0], v[1]) for k, v in cells.items()},
        {k: (v[0], v[1], v[2]) for k, v in orgs.items()},
    )


def _rollups(runtime: Runtime) -> tuple[Cells, OrgCells]:
    with runtime.reader() as uow:
        cells = uow.session.execute(select(MemberMonthRow)).scalars().all()
        orgs = uow.session.execute(select(OrganisationMonthRow)).scalars().all()
        return (
            {(c.month, c.member_id, c.organisation): (c.points, c.credits) for c in cells},
            {(o.month, o.organisation): (o.points, o.credits, o.contributors) for o in orgs},
        )


def _member(runtime: Runtime, email: str) -> int:
    with runtime.uow() as uow:
        member, _ = ensure_member(
            uow, runtime.config, [Identity(IdentityKind.EMAIL, email)], email, runtime.now()
        )
        uow.commit()
    return member.id


_operation = st.one_of(
    st.tuples(
        st.just("credit"),
        st.integers(0, len(EMAILS) - 1),
        st.integers(0, 24 * 200),  # hours after START: several months
        st.integers(1, 20),
        st.sampled_from(ORGS),
    ),
    st.tuples(st.just("withdraw"), st.integers(0, 60)),
    st.tuples(
        st.just("affiliate"),
        st.integers(0, len(EMAILS) - 1),
        st.sampled_from(ORGS),
        st.integers(0, 200),
    ),
)


def _apply(runtime: Runtime, members: list[int], op: tuple[Any, ...], serial: int) -> None:
    with runtime.uow() as uow:
        if op[0] == "credit":
            _, who, hours, points, org = op
            member = uow.members.get(members[who])
            assert member is not None
            at = START + timedelta(hours=hours)
            record_credit(
                uow, runtime.config, member, "code", at, "test", f"r{serial}", at,
                points=points, organisation=org,
            )  # fmt: skip
        elif op[0] == "withdraw":
            withdraw_credit(uow, "test", f"r{op[1]}", runtime.now(), "U01LEAD", "a test")
        else:
            _, who, org, days = op
            start = date(2026, 1, 1) + timedelta(days=days)
            set_affiliation(uow, runtime.config, members[who], org, start, runtime.now(), "U01PM")
        uow.commit()


@settings(
    max_examples=15,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(operations=st.lists(_operation, min_size=1, max_size=25))
def test_the_monthly_figures_equal_the_ledger_after_any_credits_withdrawals_and_moves(
    runtime: Runtime, operations: list[tuple[Any, ...]]
) -> None:
    members = [_member(runtime, email) for email in EMAILS]
    for serial, op in enumerate(operations):
        _apply(runtime, members, op, serial)
    assert _rollups(runtime) == _ledger(runtime)


def test_rebuilding_gives_the_same_figures_and_a_new_timezone_rebuilds_them(
    runtime: Runtime, config_data: dict[str, Any]
) -> None:
    members = [_member(runtime, email) for email in EMAILS]
    for serial in range(40):
        op = ("credit", serial % 4, serial * 97, 1 + serial % 7, ORGS[serial % 4])
        _apply(runtime, members, op, serial)
    # 31 January, 15:00 UTC: already February in Auckland
    _apply(runtime, members, ("credit", 0, 30 * 24 + 15, 3, None), 40)
    maintained = _rollups(runtime)
    with runtime.uow() as uow:
        uow.rollups.rebuild(runtime.config.tz)
        uow.commit()
    assert _rollups(runtime) == maintained == _ledger(runtime)

    runtime.config = parse_config({**config_data, "timezone": "UTC"}, "test config")
    runtime.sync_organisations()  # what every start-up does
    assert _rollups(runtime) == _ledger(runtime) != maintained


def test_db_rebuild_rollups_rebuilds_from_the_ledger(cli: Any) -> None:
    assert cli("db", "upgrade").code == 0
    result = cli("db", "rebuild-rollups")
    assert result.code == 0, result.err
    assert "monthly figures rebuilt from the ledger" in result.out


@pytest.mark.parametrize("bulk_rows", [20_000, 10], ids=["small", "bulk"])
def test_an_import_leaves_the_monthly_figures_equal_to_the_ledger(
    runtime: Runtime, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, bulk_rows: int
) -> None:
    """Also through the bulk path (SQLite: indexes dropped and built again after)."""
    from bot.services.ledger.importing import import_credits

    monkeypatch.setattr("storage.bulk.BULK_ROWS", bulk_rows)
    members = [_member(runtime, email) for email in EMAILS]
    _apply(runtime, members, ("credit", 0, 10, 4, None), 0)
    lines = [
        f'{{"member": "{EMAILS[n % 4]}", "type": "code", "at": "2026-0{1 + n % 6}-2{n % 9}T2{n % 4}:00:00Z", "ref": "i{n}"}}'  # noqa: E501
        for n in range(60)
    ]
    file = tmp_path / "credits.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    assert import_credits(runtime, file).added == 60
    assert _rollups(runtime) == _ledger(runtime)
    assert import_credits(runtime, file).added == 0
    indexes = {i["name"] for i in inspect(runtime.engine).get_indexes("credit")}
    assert {"ix_credit_member_occurred", "ix_credit_org_occurred"} <= indexes


def test_a_bulk_import_that_fails_midway_stores_nothing_and_keeps_the_indexes(
    runtime: Runtime, tmp_path: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    from bot.services.ledger.importing import import_credits
    from storage.repositories.credits import CreditRepository

    monkeypatch.setattr("storage.bulk.BULK_ROWS", 10)
    monkeypatch.setattr("bot.services.ledger.importing._CHUNK", 20)
    original = CreditRepository.add_rows
    calls = []

    def add_then_fail(self: CreditRepository, rows: Any, *layout: Any) -> int:
        calls.append(len(rows))
        if len(calls) == 2:
            raise OSError("disk full")  # the process dies half-way through the file
        return original(self, rows, *layout)

    monkeypatch.setattr(CreditRepository, "add_rows", add_then_fail)
    _member(runtime, EMAILS[0])
    lines = [
        f'{{"member": "{EMAILS[0]}", "type": "code", "at": "2026-02-0{1 + n % 9}", "ref": "f{n}"}}'
        for n in range(60)
    ]
    file = tmp_path / "credits.jsonl"
    file.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with pytest.raises(OSError):
        import_credits(runtime, file)
    assert _ledger(runtime) == ({}, {}) == _rollups(runtime)
    indexes = {i["name"] for i in inspect(runtime.engine).get_indexes("credit")}
    assert {"ix_credit_member_occurred", "ix_credit_org_occurred"} <= indexes


def _latest_per_cell(runtime: Runtime) -> tuple[dict[tuple[str, int, str], datetime], ...]:
    """Each cell's latest credit, from the ledger and as the figures keep it."""
    ledger: dict[tuple[str, int, str], datetime] = {}
    with runtime.reader() as uow:
        credits = uow.session.execute(
            select(CreditRow.member_id, CreditRow.organisation, CreditRow.occurred_at)
        ).all()
        kept = {
            (c.month, c.member_id, c.organisation): c.last_at
            for c in uow.session.execute(select(MemberMonthRow)).scalars()
        }
    for member_id, organisation, at in credits:
        key = (str(month_of(at, runtime.config.tz)), member_id, organisation or "")
        ledger[key] = max(ledger.get(key, at), at)
    return ledger, kept


@pytest.mark.parametrize("bulk_rows", [20_000, 10], ids=["small", "bulk"])
def test_an_import_adding_to_known_months_or_repeating_refs_keeps_the_figures_equal(
    runtime: Runtime, tmp_path: Any, monkeypatch: pytest.MonkeyPatch, bulk_rows: int
) -> None:
    """New credits in months and cells that already hold credits; then a file that
    repeats a known ref and a ref of its own (only the new, first lines count)."""
    from bot.services.ledger.importing import import_credits

    monkeypatch.setattr("storage.bulk.BULK_ROWS", bulk_rows)
    members = [_member(runtime, email) for email in EMAILS]
    for serial, hours in enumerate((0, 30 * 24, 58 * 24 + 11)):  # Jan, Jan 31 (NZ Feb), Feb
        _apply(runtime, members, ("credit", serial % 2, hours, 3, None), serial)

    def write(name: str, lines: list[tuple[int, str, str]]) -> Path:
        file = tmp_path / name
        file.write_text(
            "".join(
                f'{{"member": "{EMAILS[who]}", "type": "code", "at": "{at}", "ref": "{ref}"}}\n'
                for who, at, ref in lines
            ),
            encoding="utf-8",
        )
        return file

    with runtime.uow() as uow:  # cy counts for acme from 20 February on
        set_affiliation(
            uow, runtime.config, members[2], "acme", date(2026, 2, 20), runtime.now(), "U01PM"
        )
        uow.commit()
    first = write(
        "first.jsonl",
        [
            (0, "2026-01-15T08:00:00Z", "a"),  # a cell that holds a credit
            (1, "2026-01-31T12:00:00Z", "b"),  # 1 February in Auckland
            (2, "2026-02-28T11:00:00Z", "c"),  # 1 March in Auckland
            (1, "2026-02-10", "d"),
            (2, "2026-02-12T08:00:00Z", "f"),
        ],
    )
    assert import_credits(runtime, first).added == 5
    with runtime.reader() as uow:
        counted_for = dict(
            uow.session.execute(
                select(CreditRow.source_ref, CreditRow.organisation).where(
                    CreditRow.member_id == members[2]
                )
            ).all()
        )
    assert counted_for == {"c": "acme", "f": None}
    assert _rollups(runtime) == _ledger(runtime)
    ledger_latest, kept_latest = _latest_per_cell(runtime)
    assert kept_latest == ledger_latest
    again = write(
        "again.jsonl",
        [
            (0, "2026-01-16T08:00:00Z", "a"),
            (3, "2026-01-16T08:00:00Z", "e"),
            (2, "2026-01-17", "e"),
        ],
    )
    assert import_credits(runtime, again).added == 1
    assert _rollups(runtime) == _ledger(runtime)
    ledger_latest, kept_latest = _latest_per_cell(runtime)
    assert kept_latest == ledger_latest
