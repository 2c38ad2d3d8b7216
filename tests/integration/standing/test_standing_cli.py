"""`creditbot standing`, `finance` and `conduct` as a programme manager types them."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.runtime import Runtime
from scoring.months import Month
from tests.support.builders.partners import credit, evaluate, meet
from tests.support.cli import CliResult
from tests.support.months import AUG, OCT, SEP

Cli = Callable[..., CliResult]

CONTRACT_KEYS = {
    "slug",
    "good_standing",
    "reasons",
    "warning_level",
    "referrals_paused",
    "listed",
    "evaluated",
}

# The columns of Open Collective's transactions export (a collective's CSV), in its order.
OC_HEADER = (
    "datetime,shortId,shortGroup,description,type,kind,isRefund,isRefunded,shortRefundId,"
    "displayAmount,amount,paymentProcessorFee,netAmount,balance,currency,accountSlug,"
    "accountName,oppositeAccountSlug,oppositeAccountName,paymentMethodService,"
    "paymentMethodType,expenseType,expenseTags,payoutMethodType,merchantId,orderMemo,"
    "orderProcessedDate"
)


def oc_row(
    when: str,
    short_id: str,
    amount: str,
    currency: str,
    slug: str,
    name: str,
    *,
    kind: str = "CONTRIBUTION",
    type: str = "CREDIT",
    refunded: str = "",
) -> str:
    return (
        f"{when},{short_id},g{short_id},Monthly contribution from {name},{type},{kind},,"
        f"{refunded},,{amount} {currency},{amount},0,{amount},5000,{currency},ourproject,"
        f"Our Project,{slug},{name},STRIPE,CREDITCARD,,,,,,"
    )


def write(path: Path, *rows: str) -> Path:
    path.write_text("\n".join((OC_HEADER, *rows)) + "\n", encoding="utf-8")
    return path


def test_standing_json_is_a_preview_until_the_month_is_evaluated(
    runtime: Runtime, cli: Cli
) -> None:
    meet(runtime, AUG, SEP)
    credit(runtime, "bea@beta.example", OCT, 5)
    result = cli("standing", "--month", "2026-10", "--format", "json")
    assert result.code == 0, result.err
    preview = json.loads(result.out)
    assert [set(entry) for entry in preview] == [CONTRACT_KEYS, CONTRACT_KEYS]
    assert preview == [
        {
            "slug": "acme",
            "good_standing": False,
            "reasons": ["practical: 2026-10 had 0 points of the 10 needed (10 short)"],
            "warning_level": 1,
            "referrals_paused": False,
            "listed": True,
            "evaluated": False,
        },
        {
            "slug": "beta",
            "good_standing": True,
            "reasons": [],
            "warning_level": 0,
            "referrals_paused": False,
            "listed": True,
            "evaluated": False,
        },
    ]
    with runtime.reader() as uow:
        assert uow.standing.for_month(OCT) == {}

    evaluate(runtime, OCT)
    # A credit added later changes the ledger, not the stored evaluation.
    credit(runtime, "ann@acme.example", OCT, 10)
    stored = json.loads(cli("standing", "--month", "2026-10", "--format", "json").out)
    assert [e["evaluated"] for e in stored] == [True, True]
    assert stored[0]["reasons"] == ["practical: 2026-10 had 0 points of the 10 needed (10 short)"]
    assert stored[0]["warning_level"] == 1


def test_standing_text_shows_level_listing_referrals_and_tier(runtime: Runtime, cli: Cli) -> None:
    for month in (Month(2026, 1), Month(2026, 2), Month(2026, 3)):
        credit(runtime, "ann@acme.example", month, 20)
    # (No Slack here: the partner's message about its new tier stays in the outbox.)
    assert (
        "tier review 2026-07: 1 tiers changed"
        in cli("jobs", "run", "tier-review", "--month", "2026-07").out
    )
    meet(runtime, AUG, SEP, OCT)
    evaluate(runtime, OCT)
    out = cli("standing", "--month", "2026-10").out
    assert "Partner standing, October 2026" in out
    assert "acme             Acme Learning: good standing" in out
    assert "warning level 0; listed; referrals on; tier Bronze (engineering)" in out
    assert "preview" not in out


def test_a_partner_in_a_country_outside_the_big_mac_table_is_still_evaluated(
    runtime: Runtime, cli: Cli, config_data: dict[str, object]
) -> None:
    config = json.loads(json.dumps(config_data))
    config["partner_rules"]["financial_minimum_usd"] = 100
    config["organisations"][0]["country"] = "XK"
    meet(runtime, OCT)
    result = cli("standing", "--month", "2026-10", "--format", "json", config=config)
    assert result.code == 0, result.err
    acme = json.loads(result.out)[0]
    assert acme["reasons"] == [
        "financial: 2026-10 had $0.00 in payments of the $100.00 needed ($100.00 short; "
        "no Big Mac figure for XK, so the unadjusted minimum applies)"
    ]


def test_finance_import_reads_an_open_collective_export(
    runtime: Runtime, cli: Cli, tmp_path: Path, config_data: dict[str, object]
) -> None:
    config = json.loads(json.dumps(config_data))
    config["finance"] = {"rates": {"EUR": 1.1}, "aliases": {"Beta Pedagogie SARL": "beta"}}
    export = write(
        tmp_path / "oc.csv",
        oc_row("2026-10-03T10:00:00", "aa11", "120", "USD", "acme", "Acme Learning"),
        oc_row("2026-10-04T10:00:00", "bb22", "50", "EUR", "beta-sarl", "Beta Pedagogie SARL"),
        oc_row(
            "2026-10-05T10:00:00",
            "cc33",
            "-6",
            "USD",
            "ourproject",
            "Our Project",
            kind="HOST_FEE",
            type="DEBIT",
        ),
        oc_row("2026-10-06T10:00:00", "dd44", "10", "USD", "jane", "Jane Doe"),
        oc_row(
            "2026-10-07T10:00:00",
            "ee55",
            "500",
            "USD",
            "acme",
            "Acme Learning",
            refunded="REFUNDED",
        ),
    )
    result = cli("finance", "import", str(export), config=config)
    assert result.code == 0, result.err
    assert result.out.splitlines() == [
        "5 lines: 2 payments added, 0 already known, 2 not payments (fees, expenses, refunds), "
        "1 from contributors matching no organisation",
        "note: this Open Collective export has no frequency column, so yearly contributions "
        "cannot be told apart: each payment counts for its own month",
        "unmatched contributors: Jane Doe (map them with finance.aliases in creditbot.yml if they "
        "are organisations)",
    ]
    again = cli("finance", "import", str(export))
    assert "0 payments added, 2 already known" in again.out
    listed = cli("finance", "list", "--org", "beta").out
    assert (
        "2026-10-04        50.00 EUR ($55.00) opencollective Beta Pedagogie SARL covers 2026-10"
        in listed
    )
    assert "120.00 USD ($120.00)" in cli("finance", "list", "--org", "acme").out


def test_a_currency_without_a_rate_stores_nothing_and_names_the_line(
    runtime: Runtime, cli: Cli, tmp_path: Path
) -> None:
    export = write(
        tmp_path / "oc.csv",
        oc_row("2026-10-03T10:00:00", "aa11", "120", "USD", "acme", "Acme Learning"),
        oc_row("2026-10-04T10:00:00", "bb22", "50", "GBP", "beta", "Beta Pedagogy"),
    )
    result = cli("finance", "import", str(export))
    assert result.code == 1
    assert f"{export}, line 3: no exchange rate for GBP" in result.err
    assert "finance.rates" in result.err
    assert "no payment recorded for acme" in cli("finance", "list", "--org", "acme").out


def test_payments_recorded_by_hand_count_towards_the_financial_minimum(
    runtime: Runtime, cli: Cli, config_data: dict[str, object]
) -> None:
    config = json.loads(json.dumps(config_data))
    config["partner_rules"]["financial_minimum_usd"] = 100
    config["finance"] = {"rates": {"EUR": 1.1}}
    meet(runtime, AUG, SEP, OCT)
    for day in ("2026-08-02", "2026-09-02", "2026-10-02"):
        added = cli(
            "finance", "add", "--org", "acme", "--date", day, "--amount", "100", config=config
        )
        assert added.code == 0, added.err
    # Beta is in France: 100 x 6.06 / 5.69 = $106.50 a month; 95 EUR is $104.50.
    for day in ("2026-08-02", "2026-09-02", "2026-10-02"):
        cli("finance", "add", "--org", "beta", "--date", day, "--amount", "95", "--currency", "EUR")
    again = cli("finance", "add", "--org", "acme", "--date", "2026-10-02", "--amount", "100")
    assert "already recorded" in again.out
    result = json.loads(cli("standing", "--month", "2026-10", "--format", "json").out)
    assert result[0]["good_standing"] is True
    assert result[1]["reasons"] == [
        "financial: 2026-10 had $104.50 in payments of the $106.50 needed ($2.00 short)"
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--org", "nope", "--date", "2026-10-01", "--amount", "5"), "no organisation with slug"),
        (("--org", "acme", "--date", "yesterday", "--amount", "5"), "--date: 'yesterday'"),
        (("--org", "acme", "--date", "2026-10-01", "--amount", "-5"), "--amount: the amount"),
        (("--org", "acme", "--date", "2026-10-01", "--amount", "1e30"), "--amount: the amount"),
        (("--org", "acme", "--date", "1999-12-31", "--amount", "5"), "from 2000-01-01"),
        (("--org", "acme", "--date", "2999-01-01", "--amount", "5"), "from 2000-01-01"),
        (("--org", "acme", "--date", "2026-10-01", "--amount", "5", "--months", "0"), "1 to 36"),
        (("--org", "acme", "--date", "2026-10-01", "--amount", "5", "--months", "37"), "1 to 36"),
    ],
)
def test_a_wrong_payment_is_refused_with_its_reason(
    runtime: Runtime, cli: Cli, args: tuple[str, ...], message: str
) -> None:
    result = cli("finance", "add", *args)
    assert result.code == 1
    assert message in result.err
    assert len(result.err.strip().splitlines()) == 1
    with runtime.reader() as uow:
        assert uow.payments.for_organisation("acme") == []


def test_conduct_records_are_listed_privately_and_named_by_id_elsewhere(
    runtime: Runtime, cli: Cli
) -> None:
    credit(runtime, "bea@beta.example", SEP, 5)
    added = cli(
        "conduct",
        "add",
        "--member",
        "bea@beta.example",
        "--date",
        "2026-09-20",
        "--note",
        "Insulted a newcomer in #general",
        "--by",
        "U01PM",
    )
    assert added.code == 0, added.err
    assert added.out.strip() == "conduct record 1 added"
    assert "Insulted" not in added.out + added.err
    org = cli("conduct", "add", "--org", "acme", "--date", "2026-10-01", "--note", "Spam")
    assert org.out.strip() == "conduct record 2 added"
    listed = cli("conduct", "list").out.splitlines()
    assert listed == [
        "#2 2026-10-01 against organisation acme (by cli)",
        "    Spam",
        "#1 2026-09-20 against member bea (1), of beta that day (by U01PM)",
        "    Insulted a newcomer in #general",
    ]
    standing = cli("standing", "--month", "2026-10", "--format", "json").out
    assert "Insulted" not in standing and "Spam" not in standing
    assert "conduct: 1 code-of-conduct record" in standing


def test_a_conduct_record_needs_one_target_and_a_note(runtime: Runtime, cli: Cli) -> None:
    both = cli(
        "conduct",
        "add",
        "--org",
        "acme",
        "--member",
        "x@acme.example",
        "--date",
        "2026-10-01",
        "--note",
        "n",
    )
    assert both.code == 1 and "either --org SLUG or --member M" in both.err
    empty = cli("conduct", "add", "--org", "acme", "--date", "2026-10-01", "--note", " ")
    assert empty.code == 1 and "--note" in empty.err


def test_an_export_cut_short_by_open_collective_is_refused_whole(
    runtime: Runtime, cli: Cli, tmp_path: Path
) -> None:
    export = tmp_path / "oc.csv"
    export.write_text(
        "\n".join(
            (
                OC_HEADER,
                oc_row("2026-10-03T10:00:00", "aa11", "120", "USD", "acme", "Acme Learning"),
                "Warning: totalCount is 1200 and limit was 1000",
            )
        )
        + "\n",
        encoding="utf-8",
    )
    result = cli("finance", "import", str(export))
    assert result.code == 1
    assert "line 3: the export is incomplete (Warning: totalCount is 1200" in result.err
    assert "no payment recorded for acme" in cli("finance", "list", "--org", "acme").out
