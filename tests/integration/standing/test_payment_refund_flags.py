"""A payments file's refund columns are read as yes or no, strictly: ``isRefund=false``
is a payment, and a cell that is neither refuses the whole file, naming its line."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.runtime import Runtime
from tests.support.cli import CliResult

Cli = Callable[..., CliResult]

HEADER = "date,amount,currency,organisation,isRefund\n"


def test_a_payment_marked_isrefund_false_counts_and_one_marked_true_does_not(
    runtime: Runtime, cli: Cli, tmp_path: Path
) -> None:
    payments = tmp_path / "payments.csv"
    payments.write_text(
        HEADER + "2026-10-03,120,USD,acme,false\n"
        "2026-10-04,50,USD,acme,TRUE\n"
        "2026-10-05,30,USD,acme,No\n"
        "2026-10-06,70,USD,acme,1\n"
        "2026-10-07,20,USD,acme,\n",
        encoding="utf-8",
    )

    result = cli("finance", "import", str(payments))

    assert result.code == 0, result.err
    assert result.out.splitlines()[0] == (
        "5 lines: 3 payments added, 0 already known, 2 not payments (fees, expenses, refunds), "
        "0 from contributors matching no organisation"
    )
    listed = cli("finance", "list", "--org", "acme").out
    assert "120.00 USD" in listed and "30.00 USD" in listed and "20.00 USD" in listed
    assert "50.00 USD" not in listed and "70.00 USD" not in listed


def test_a_refund_cell_that_is_neither_yes_nor_no_names_its_line_and_stores_nothing(
    runtime: Runtime, cli: Cli, tmp_path: Path
) -> None:
    payments = tmp_path / "payments.csv"
    payments.write_text(
        HEADER + "2026-10-03,120,USD,acme,false\n2026-10-04,50,USD,acme,perhaps\n",
        encoding="utf-8",
    )

    result = cli("finance", "import", str(payments))

    assert result.code == 1
    assert result.err == (
        f"creditbot: {payments}, line 3: isRefund is 'perhaps', expected true or false "
        "(yes/no, 1/0, or empty)\n"
    )
    assert "no payment recorded for acme" in cli("finance", "list", "--org", "acme").out
