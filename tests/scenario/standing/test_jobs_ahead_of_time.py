"""`creditbot jobs run` never runs ahead of time; `--dry-run` keeps nothing (issue 16).

The command line reads the real clock, so "the current month" here is the real one.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.runtime import Runtime
from scoring.months import Month
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import credit, outbox
from tests.support.cli import Cli
from tests.support.months import AUG, SEP
from tests.support.slack import everything_sent


def _this_month() -> Month:
    return Month.of(datetime.now(UTC).date())


def _nothing_recorded(runtime: Runtime) -> bool:
    with runtime.reader() as uow:
        return not uow.jobs.recent(limit=50) and not uow.standing.history("acme")


@pytest.mark.parametrize(
    ("job", "option", "value"),
    [
        ("standing", "--month", lambda: str(_this_month())),
        ("standing", "--month", lambda: str(_this_month().next())),
        ("monthly-shoutout", "--month", lambda: str(_this_month())),
        ("inactivity", "--at", lambda: (datetime.now(UTC) + timedelta(days=2)).isoformat()),
        ("distinguished-decide", "--year", lambda: str(datetime.now(UTC).year + 1)),
    ],
)
def test_a_period_not_yet_due_is_refused_with_nothing_recorded_or_sent(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, job: str, option: str, value: object
) -> None:
    result = cli("jobs", "run", job, option, value())  # type: ignore[operator]
    assert result.code == 1
    assert len(result.err.strip().splitlines()) == 1
    assert "nothing recorded or sent" in result.err
    assert _nothing_recorded(runtime)
    assert outbox(runtime) == []
    assert everything_sent(slack) == []


def test_a_refused_future_month_leaves_the_real_month_to_run_normally(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    assert cli("jobs", "run", "standing", "--month", str(_this_month().next())).code == 1
    done = cli("jobs", "run", "standing", "--month", "2026-09")
    assert done.code == 0, done.err
    assert "standing for 2026-09: 2 partners evaluated" in done.out


def test_a_dry_run_prints_what_it_would_record_and_send_and_keeps_nothing(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    credit(runtime, "ann@acme.example", AUG, 2)
    result = cli("jobs", "run", "standing", "--month", "2026-08", "--dry-run")
    assert result.code == 0, result.err
    assert "dry run: standing for 2026-08: 2 partners evaluated" in result.out
    assert "would record: standing_step +2" in result.out
    assert "slack dm to U01ACME (standing:acme:2026-08:dm:U01ACME)" in result.out
    assert "nothing was recorded or sent (dry run)" in result.out
    assert _nothing_recorded(runtime)
    assert outbox(runtime) == [] and everything_sent(slack) == []
    # The real run afterwards is not taken for "already ran".
    assert "2 partners evaluated" in cli("jobs", "run", "standing", "--month", "2026-08").out


def test_a_dry_run_of_a_future_month_is_shown_but_not_kept(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    future = str(_this_month().next())
    result = cli("jobs", "run", "standing", "--month", future, "--dry-run")
    assert result.code == 0, result.err
    assert f"standing for {future} is not due until" in result.out
    assert _nothing_recorded(runtime) and everything_sent(slack) == []


def test_messages_of_a_run_as_of_a_past_moment_are_due_at_once(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    credit(runtime, "ann@acme.example", SEP, 2)
    before = datetime.now(UTC) - timedelta(seconds=5)
    result = cli("jobs", "run", "standing", "--at", "2026-10-05T12:00:00")
    assert result.code == 0, result.err
    assert "standing for 2026-09" in result.out
    messages = outbox(runtime)
    assert messages and all(m.created_at >= before for m in messages)
    assert all(m.status == "sent" for m in messages)


def test_a_daily_job_runs_by_hand_for_a_moment_already_past_today(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    moment = (datetime.now(UTC) - timedelta(minutes=1)).isoformat()
    result = cli("jobs", "run", "inactivity", "--at", moment)
    assert result.code == 0, result.err
