"""More edge input on the command line, as an outside tester sent it: an export to a
folder that does not exist, a credit id of 23 digits, a conduct record dated in year
9999, a CSV saved with a byte-order mark, a payment of a tenth of a cent. Each gets one
clear line and exit 1 (or, for the BOM, is simply read), and nothing is stored."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text

from tests.faults.test_edge_input_cli import _one_clear_line, known_member
from tests.support.cli import CliResult
from tests.support.databases import database_url

Cli = Callable[..., CliResult]
__all__ = ["known_member"]


def _count(tmp_path: Path, query: str) -> int:
    engine = create_engine(database_url(tmp_path))
    try:
        with engine.connect() as connection:
            return int(connection.execute(text(query)).scalar_one())
    finally:
        engine.dispose()


@pytest.mark.parametrize("where", ["missing/dir/x.json", "."])
def test_an_export_to_a_path_that_cannot_be_written_says_so_and_records_no_export(
    cli: Cli, known_member: None, tmp_path: Path, where: str
) -> None:
    target = tmp_path / where
    line = _one_clear_line(cli("member", "export", "ann@acme.example", "--out", str(target)))
    assert str(target) in line
    assert _count(tmp_path, "SELECT count(*) FROM member_audit WHERE action = 'export'") == 0


@pytest.mark.parametrize("credit_id", ["99999999999999999999999", "1" * 19, "²", "0"])
def test_revoking_a_credit_id_no_database_holds_is_not_a_credit_id(
    cli: Cli, known_member: None, credit_id: str
) -> None:
    line = _one_clear_line(cli("credit", "revoke", credit_id, "--reason", "x"))
    assert "is not a credit id" in line


def test_retrying_an_outbox_message_id_no_database_holds_is_not_a_message_id(
    cli: Cli, known_member: None
) -> None:
    line = _one_clear_line(cli("outbox", "retry", "99999999999999999999999"))
    assert "is not a message id" in line


@pytest.mark.parametrize("day", ["9999-01-01", "1999-12-31"])
def test_a_conduct_record_dated_out_of_range_is_refused_and_stored_nowhere(
    cli: Cli, known_member: None, tmp_path: Path, day: str
) -> None:
    line = _one_clear_line(cli("conduct", "add", "--org", "acme", "--date", day, "--note", "x"))
    assert "--date" in line and "2000-01-01" in line
    assert _count(tmp_path, "SELECT count(*) FROM conduct_record") == 0


def test_a_credits_csv_saved_with_a_byte_order_mark_is_read(
    cli: Cli, known_member: None, tmp_path: Path
) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbfmember,type,at,ref\nbob@acme.example,talk,2026-10-02,bom-1\n")
    result = cli("import", str(path))
    assert result.code == 0, result.err[-500:]
    assert "credits: 1 " in cli("member", "info", "bob@acme.example").out


@pytest.mark.parametrize("amount", ["0.001", "0.004", "0.005"])
def test_a_payment_that_rounds_to_nothing_is_refused(
    cli: Cli, known_member: None, tmp_path: Path, amount: str
) -> None:
    result = cli("finance", "add", "--org", "acme", "--date", "2026-10-01", "--amount", amount)
    line = _one_clear_line(result)
    assert "--amount" in line and "0.01" in line
    assert _count(tmp_path, "SELECT count(*) FROM payment") == 0
