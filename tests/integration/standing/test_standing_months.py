"""Each month judged on its own, with the records dated up to its end (issue 16)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.runtime import Runtime
from tests.support.builders.partners import credit, evaluate, outbox
from tests.support.months import AUG, DEC, NOV, OCT, SEP


def _levels(runtime: Runtime, slug: str) -> list[tuple[str, int, bool]]:
    with runtime.reader() as uow:
        return [(str(s.month), s.level, s.listed) for s in uow.standing.history(slug)]


def test_a_partner_short_in_september_and_good_in_october_goes_to_level_one_then_zero(
    runtime: Runtime,
) -> None:
    credit(runtime, "ann@acme.example", SEP, 4)
    for month in (OCT, NOV):
        credit(runtime, "ann@acme.example", month, 20)
    for month in (SEP, OCT, NOV):
        evaluate(runtime, month)
    assert _levels(runtime, "acme") == [
        ("2026-09", 1, True),
        ("2026-10", 0, True),
        ("2026-11", 0, True),
    ]
    assert not [
        m for m in outbox(runtime) if m.key.startswith("standing:acme:") and m.kind == "post"
    ]


def test_a_silent_partner_goes_one_two_three_and_is_announced_publicly_at_three(
    runtime: Runtime,
) -> None:
    for month in (SEP, OCT, NOV):
        evaluate(runtime, month)
    assert _levels(runtime, "acme") == [
        ("2026-09", 1, True),
        ("2026-10", 2, True),
        ("2026-11", 3, False),
    ]
    posts = [m.key for m in outbox(runtime) if m.kind == "post"]
    assert "standing:acme:2026-11:announcement" in posts
    texts = {
        month: next(
            m.payload["text"]
            for m in outbox(runtime)
            if m.key == f"standing:acme:{month}:dm:U01ACME"
        )
        for month in ("2026-09", "2026-10", "2026-11")
    }
    assert "first month short" in texts["2026-09"]
    assert "the second month in a row" in texts["2026-10"]
    assert "the third month in a row" in texts["2026-11"]
    assert "2026-11 had 0 points of the 10 needed (10 short)" in texts["2026-11"]


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    for org in config_data["organisations"]:
        org.pop("partner_since", None)  # judged on every evaluated month
    return config_data


def test_a_partner_whose_first_credit_comes_later_is_judged_on_the_earlier_months(
    runtime: Runtime,
) -> None:
    credit(runtime, "ann@acme.example", DEC, 30, day=2)
    for month in (AUG, SEP, OCT, NOV):
        evaluate(runtime, month)
    assert [level for _, level, _ in _levels(runtime, "acme")] == [1, 2, 3, 3]


def test_a_stored_evaluation_is_not_recomputed_when_a_late_credit_arrives(
    runtime: Runtime,
) -> None:
    evaluate(runtime, OCT)
    credit(runtime, "ann@acme.example", OCT, 30, day=31)
    evaluate(runtime, OCT)
    with runtime.reader() as uow:
        stored = uow.standing.get("acme", OCT)
    assert stored is not None and stored.level == 1
    assert stored.details["points"] == 0


def test_where_a_partner_stands_this_month_so_far_is_a_preview_until_evaluated(
    runtime: Runtime,
) -> None:
    from bot.services.partners.standing import standing_so_far

    credit(runtime, "ann@acme.example", SEP, 4)
    evaluate(runtime, SEP)
    credit(runtime, "ann@acme.example", OCT, 12)
    with runtime.reader() as uow:
        so_far = standing_so_far(uow, runtime.config, "acme", OCT)
        september = standing_so_far(uow, runtime.config, "acme", SEP)
        assert standing_so_far(uow, runtime.config, "core", OCT) is None
    assert so_far is not None and not so_far.evaluated
    assert (so_far.good_standing, so_far.warning_level) == (True, 0)
    assert september is not None and september.evaluated and september.warning_level == 1
