"""Payments that cover several months (issue 16): a yearly payer stays in good standing."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from bot.runtime import Runtime
from tests.support.builders.partners import evaluate, meet
from tests.support.cli import CliResult
from tests.support.months import AUG, JUL, NOV, OCT, SEP

Cli = Callable[..., CliResult]


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["partner_rules"]["financial_minimum_usd"] = 100
    config_data["organisations"][1]["country"] = "US"
    return config_data


def test_a_yearly_payment_keeps_a_partner_in_good_standing_all_year(
    runtime: Runtime, cli: Cli
) -> None:
    paid = cli(
        "finance",
        "add",
        "--org",
        "acme",
        "--date",
        "2026-01-15",
        "--amount",
        "1200",
        "--months",
        "12",
    )
    assert paid.code == 0, paid.err
    assert "covers 2026-01 to 2026-12 ($100.00 a month)" in paid.out
    meet(runtime, JUL, AUG, SEP, OCT, NOV)
    for month in (JUL, AUG, SEP, OCT, NOV):
        run = evaluate(runtime, month)
        acme = next(r for r in run.results if r.organisation.slug == "acme")
        assert acme.evaluation.good_standing, acme.evaluation.reasons
        assert acme.change.step.level == 0
    listed = cli("finance", "list", "--org", "acme").out
    assert "2026-01-15     1,200.00 USD ($1,200.00) manual covers 2026-01 to 2026-12" in listed


def test_a_months_column_and_yearly_open_collective_contributions_spread_the_amount(
    runtime: Runtime, cli: Cli, tmp_path: Path
) -> None:
    plain = tmp_path / "plain.csv"
    plain.write_text(
        "date,amount,currency,organisation,months\n2026-07-01,300,USD,beta,3\n", encoding="utf-8"
    )
    assert cli("finance", "import", str(plain)).code == 0
    oc = tmp_path / "oc.csv"
    oc.write_text(
        "datetime,id,type,kind,amount,currency,oppositeAccountSlug,oppositeAccountName,frequency\n"
        "2026-08-02T10:00:00,oc1,CREDIT,CONTRIBUTION,1200,USD,acme,Acme Learning,YEARLY\n",
        encoding="utf-8",
    )
    imported = cli("finance", "import", str(oc))
    assert imported.code == 0, imported.err
    assert "note:" not in imported.out
    meet(runtime, SEP)
    result = json.loads(cli("standing", "--month", "2026-09", "--format", "json").out)
    assert [(e["slug"], e["good_standing"]) for e in result] == [("acme", True), ("beta", True)]
    october = json.loads(cli("standing", "--month", "2026-10", "--format", "json").out)
    beta = next(e for e in october if e["slug"] == "beta")
    assert "financial: 2026-10 had $0.00 in payments of the $100.00 needed" in beta["reasons"][-1]
