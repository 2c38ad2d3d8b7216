"""A credit or payment recorded late for an evaluated month (issue 16): reported to
programme managers once, with the waive command; the stored evaluation stays."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest

from bot.runtime import Runtime
from tests.support.builders.partners import credit, evaluate, meet, outbox
from tests.support.cli import CliResult
from tests.support.months import OCT, SEP

Cli = Callable[..., CliResult]


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["partner_rules"]["financial_minimum_usd"] = 100
    config_data["organisations"][1]["country"] = "US"
    return config_data


def _late_notes(runtime: Runtime) -> list[str]:
    return [m.key for m in outbox(runtime) if m.key.startswith("standing:late:")]


def test_a_payment_entered_late_is_reported_once_with_the_waive_command(
    runtime: Runtime, cli: Cli
) -> None:
    meet(runtime, SEP)
    cli("finance", "add", "--org", "beta", "--date", "2026-09-03", "--amount", "100")
    evaluate(runtime, SEP)  # acme has paid nothing for September: short
    added = cli("finance", "add", "--org", "acme", "--date", "2026-09-28", "--amount", "100")
    assert added.code == 0, added.err
    assert "programme managers are told privately" in added.out
    assert _late_notes(runtime) == ["standing:late:acme:2026-09:10:100.00:dm:U01PM"]
    text = next(m for m in outbox(runtime) if m.key.startswith("standing:late:")).payload["text"]
    assert "it would now be in good standing" in text
    assert 'creditbot standing waive --org acme --month 2026-09 --reason "..."' in text
    # Reported once: the next run says nothing more about it; the stored month is unchanged.
    meet(runtime, OCT)
    evaluate(runtime, OCT)
    assert len(_late_notes(runtime)) == 1
    with runtime.reader() as uow:
        september = uow.standing.get("acme", SEP)
    assert september is not None and september.level == 1


def test_a_thank_you_confirmed_days_later_is_reported_at_the_next_run(runtime: Runtime) -> None:
    credit(runtime, "ann@acme.example", SEP, 4)
    evaluate(runtime, SEP)
    credit(runtime, "ann@acme.example", SEP, 6, day=29)
    evaluate(runtime, OCT)
    assert "standing:late:acme:2026-09:10:0.00:dm:U01PM" in _late_notes(runtime)
