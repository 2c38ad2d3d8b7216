"""Tiers decided at half-yearly reviews, stored, and told privately (issue 16)."""

from __future__ import annotations

from bot.runtime import Runtime
from scoring.months import Month
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import credit, evaluate
from tests.support.cli import Cli
from tests.support.months import AUG, OCT, SEP
from tests.support.slack import dm_texts


def _tier_line(cli: Cli, month: str) -> str:
    out = cli("standing", "--month", month).out
    lines = out.splitlines()
    return next(lines[i + 1] for i, line in enumerate(lines) if line.startswith("acme "))


def test_a_tier_changes_only_at_a_review_and_the_partner_is_told(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    for month in (Month(2026, 3), Month(2026, 4), Month(2026, 5)):
        credit(runtime, "ann@acme.example", month, 20)
    review = cli("jobs", "run", "tier-review", "--month", "2026-07")
    assert review.code == 0, review.err
    assert "tier review 2026-07: 1 tiers changed" in review.out
    assert any("changed from no tier to Bronze" in t for t in dm_texts(slack)["U01ACME"])
    # Much more work since the review: the tier shown stays the reviewed one.
    for month in (AUG, SEP):
        for day in (3, 10, 17):
            credit(runtime, "ann@acme.example", month, 50, day=day)
    evaluate(runtime, SEP)
    assert "tier Bronze (engineering)" in _tier_line(cli, "2026-09")
    with runtime.reader() as uow:
        from storage.repositories.tiers import TierRepository

        history = TierRepository(uow.session).history("acme")
    assert [(t.period, t.tier) for t in history] == [("2026-07", "Bronze")]


def test_a_review_period_must_be_january_or_july_and_not_ahead_of_time(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    wrong = cli("jobs", "run", "tier-review", "--month", "2026-10")
    assert wrong.code == 1 and "expected YYYY-01 or YYYY-07" in wrong.err
    future = cli("jobs", "run", "tier-review", "--month", "2030-01")
    assert future.code == 1 and "nothing recorded or sent" in future.err


def test_a_partner_not_listed_shows_no_tier(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    for month in (Month(2026, 3), Month(2026, 4), Month(2026, 5)):
        credit(runtime, "ann@acme.example", month, 20)
    cli("jobs", "run", "tier-review", "--month", "2026-07")
    for month in (AUG, SEP, OCT):
        evaluate(runtime, month)  # acme silent: removed from the list in October
    line = _tier_line(cli, "2026-10")
    assert "not listed" in line and "tier" not in line
