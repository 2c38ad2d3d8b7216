"""`creditbot standing waive` and `reset`: audited, restating later months (issue 16)."""

from __future__ import annotations

import json

from bot.runtime import Runtime
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import credit, evaluate
from tests.support.cli import Cli
from tests.support.months import AUG, NOV, OCT, SEP
from tests.support.slack import dm_texts, public_texts


def _levels(runtime: Runtime) -> list[tuple[str, int, bool]]:
    with runtime.reader() as uow:
        return [(str(s.month), s.level, s.listed) for s in uow.standing.history("acme")]


def _silent_acme(runtime: Runtime) -> None:
    for month in (AUG, SEP, OCT):
        credit(runtime, "bea@beta.example", month, 5)
        evaluate(runtime, month)


def test_a_waived_month_resets_the_ladder_and_restates_the_later_months(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    _silent_acme(runtime)
    assert _levels(runtime) == [("2026-08", 1, True), ("2026-09", 2, True), ("2026-10", 3, False)]
    result = cli(
        "standing",
        "waive",
        "--org",
        "acme",
        "--month",
        "2026-09",
        "--reason",
        "payment lost by the bank",
    )
    assert result.code == 0, result.err
    assert _levels(runtime) == [("2026-08", 1, True), ("2026-09", 0, True), ("2026-10", 1, True)]
    # The unjust removal is undone: privately, and publicly since it is listed again.
    (private,) = {t for t in dm_texts(slack)["U01ACME"] if "waived September 2026" in t}
    assert "listed as a partner again" in private and "payment lost by the bank" in private
    assert any("Acme Learning is listed as a partner" in t for t in public_texts(slack)["C01NEWS"])
    shown = json.loads(cli("standing", "--month", "2026-09", "--format", "json").out)
    acme = next(e for e in shown if e["slug"] == "acme")
    assert acme["good_standing"] is True and acme["warning_level"] == 0
    assert acme["reasons"][0] == "waived by a programme manager: payment lost by the bank"
    history = cli("standing", "history", "--org", "acme").out
    assert "2026-09 1 short: in good standing [waived]" in history
    assert "waive 2026-09: payment lost by the bank" in history
    # The next evaluation climbs on from the restated level.
    evaluate(runtime, NOV)
    assert _levels(runtime)[-1] == ("2026-11", 2, True)


def test_a_reset_puts_the_partner_back_to_level_zero_at_once(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    _silent_acme(runtime)
    result = cli("standing", "reset", "--org", "acme", "--reason", "new agreement signed")
    assert result.code == 0, result.err
    assert _levels(runtime)[-1] == ("2026-10", 0, True)
    assert "reset" in cli("standing", "history", "--org", "acme").out


def test_a_month_not_yet_evaluated_or_an_unknown_partner_is_refused_and_nothing_changes(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    _silent_acme(runtime)
    before = _levels(runtime)
    for args, message in (
        (("--org", "acme", "--month", "2026-11", "--reason", "x"), "has no evaluated 2026-11"),
        (("--org", "nope", "--month", "2026-09", "--reason", "x"), "no organisation with slug"),
        (("--org", "acme", "--month", "2026-09", "--reason", " "), "--reason"),
    ):
        result = cli("standing", "waive", *args)
        assert result.code == 1 and message in result.err
        assert len(result.err.strip().splitlines()) == 1
    assert _levels(runtime) == before
    with runtime.reader() as uow:
        assert uow.standing.decisions("acme") == []
