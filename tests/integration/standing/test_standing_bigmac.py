"""A partner in a country outside the Big Mac table never stops the run (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.runtime import Runtime
from tests.support.builders.partners import evaluate, outbox
from tests.support.months import OCT, SEP


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["partner_rules"]["financial_minimum_usd"] = 100
    config_data["organisations"][0]["country"] = "XK"
    return config_data


def test_a_partner_outside_the_big_mac_table_is_evaluated_and_managers_are_told_once(
    runtime: Runtime,
) -> None:
    for month in (SEP, OCT):
        run = evaluate(runtime, month)
        assert len([r for r in run.results if r.change.new]) == 2
    acme = next(r for r in run.results if r.organisation.slug == "acme")
    assert any("no Big Mac figure for XK" in reason for reason in acme.evaluation.reasons)
    notes = [m for m in outbox(runtime) if m.key.startswith("standing:bigmac:")]
    assert [m.key for m in notes] == ["standing:bigmac:XK:dm:U01PM"]
    assert "bigmac_overrides: {XK: 0.8}" in notes[0].payload["text"]
    assert "acme is held to the unadjusted $100.00" in notes[0].payload["text"]
