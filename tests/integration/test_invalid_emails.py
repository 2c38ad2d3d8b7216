"""An unknown e-mail address creates a member from the command line (``credit add`` and
``import``): one that is not an address is refused in one line and creates nothing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from storage.tables import CreditRow, IdentityRow, MemberRow
from tests.support.cli import CliResult

Cli = Callable[..., CliResult]

NOT_ADDRESSES = ("x@", "a@b@c", "a b@c.d", "ann@acme", "ann@.example", "ann@acme..example")
RULE = "one @, a name before it, a domain with a dot after it, no spaces"


def _rows(runtime: Runtime) -> dict[str, int]:
    with runtime.reader() as uow:
        return {
            table.__name__: int(
                uow.session.execute(select(func.count()).select_from(table)).one()[0]
            )
            for table in (MemberRow, IdentityRow, CreditRow)
        }


@pytest.mark.parametrize("address", NOT_ADDRESSES)
def test_credit_add_for_something_that_is_not_an_email_address_creates_no_member(
    runtime: Runtime, cli: Cli, address: str
) -> None:
    before = _rows(runtime)

    result = cli("credit", "add", "--member", address, "--type", "code", "--date", "2026-10-02")

    assert result.code == 1
    assert result.err == f"creditbot: '{address}' is not an e-mail address ({RULE})\n"
    assert _rows(runtime) == before


def test_an_import_naming_a_member_by_something_that_is_not_an_address_stores_nothing(
    runtime: Runtime, cli: Cli, tmp_path: Path
) -> None:
    lines = [
        {"member": "ann@acme.example", "type": "code", "at": "2026-10-02", "ref": "pr-1"},
        {"member": "a b@acme.example", "type": "code", "at": "2026-10-03", "ref": "pr-2"},
    ]
    credits = tmp_path / "credits.jsonl"
    credits.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    before = _rows(runtime)

    result = cli("import", str(credits))

    assert result.code == 1
    assert result.err == (
        f"creditbot: {credits}:2: 'a b@acme.example' is not an e-mail address ({RULE})\n"
    )
    assert _rows(runtime) == before


def test_a_csv_import_refuses_an_address_with_two_at_signs(
    runtime: Runtime, cli: Cli, tmp_path: Path
) -> None:
    credits = tmp_path / "credits.csv"
    credits.write_text(
        "member,type,at\nann@acme.example@evil.example,code,2026-10-02\n", encoding="utf-8"
    )

    result = cli("import", str(credits))

    assert result.code == 1
    assert "credits.csv:2: 'ann@acme.example@evil.example' is not an e-mail address" in result.err
    assert _rows(runtime)["MemberRow"] == 0


def test_a_well_formed_unknown_address_still_creates_the_member(runtime: Runtime, cli: Cli) -> None:
    result = cli("credit", "add", "--member", "New.Person+talks@Acme.Example", "--type", "talk")

    assert result.code == 0, result.err
    shown = cli("member", "show", "new.person+talks@acme.example")
    assert shown.code == 0 and "acme" in shown.out
