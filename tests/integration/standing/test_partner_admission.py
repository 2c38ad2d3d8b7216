"""Admission (issue 16): an organisation meeting every minimum for window_months months in
a row qualifies as a partner; programme managers are told once."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

import pytest

from bot.runtime import Runtime
from bot.services.ledger.conduct import add_conduct_record
from tests.support.builders.partners import credit, evaluate, outbox
from tests.support.cli import CliResult
from tests.support.months import AUG, NOV, OCT, SEP

Cli = Callable[..., CliResult]


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["organisations"].append(
        {
            "slug": "delta",
            "name": "Delta Courses",
            "domains": ["delta.example"],
            "country": "US",
            "employees": 60,
        }
    )
    return config_data


def _delta_contributes(runtime: Runtime, *months: Any, points: int = 12) -> None:
    for month in months:
        credit(runtime, "dan@delta.example", month, points)


def test_an_organisation_meeting_every_minimum_for_three_months_qualifies_once(
    runtime: Runtime, cli: Cli
) -> None:
    _delta_contributes(runtime, AUG, SEP, OCT, NOV)
    listed = cli("partners", "eligible", "--month", "2026-10")
    assert listed.code == 0, listed.err
    assert "delta            Delta Courses: 2026-08: 12 points; 2026-09: 12 points; " in listed.out
    evaluate(runtime, OCT)
    evaluate(runtime, NOV)
    reports = [m for m in outbox(runtime) if m.key.startswith("partners:eligible:")]
    assert [m.key for m in reports] == ["partners:eligible:delta:dm:U01PM"]
    assert "Delta Courses now qualifies as a partner" in reports[0].payload["text"]
    assert "each of the last 3 months (2026-08 to 2026-10)" in reports[0].payload["text"]


def test_two_months_are_not_enough_and_staff_never_qualify(runtime: Runtime, cli: Cli) -> None:
    _delta_contributes(runtime, SEP, OCT)
    for month in (AUG, SEP, OCT):
        credit(runtime, "cora@project.example", month, 40)
    out = cli("partners", "eligible", "--month", "2026-10").out
    assert out.strip() == "no organisation qualifies as a partner at the end of 2026-10"


def test_a_conduct_record_in_the_window_keeps_an_organisation_out(
    runtime: Runtime, cli: Cli
) -> None:
    _delta_contributes(runtime, AUG, SEP, OCT)
    with runtime.uow() as uow:
        add_conduct_record(uow, date(2026, 2, 3), "spam", runtime.now(), organisation="delta")
        uow.commit()
    assert "no organisation qualifies" in cli("partners", "eligible", "--month", "2026-10").out
