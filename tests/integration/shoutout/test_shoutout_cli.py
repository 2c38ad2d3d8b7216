"""The command line of the shout-out, the jobs and the outbox (no Slack or forum configured:
what the job produced stays in the outbox, and the commands say so)."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text

from storage.engine import make_engine
from tests.support.cli import CliResult
from tests.support.databases import database_url

Cli = Callable[..., CliResult]


@pytest.fixture
def ready(cli: Cli, tmp_path: Path) -> Cli:
    assert cli("db", "upgrade").code == 0
    lines = [
        {"member": "alice@acme.example", "type": "code", "at": "2026-10-02", "ref": "pr-1"},
        {"member": "bob@beta.example", "type": "review", "at": "2026-10-05", "ref": "rv-1"},
        {"member": "bob@beta.example", "type": "code", "at": "2026-09-10", "ref": "pr-0"},
    ]
    (tmp_path / "c.jsonl").write_text("".join(json.dumps(x) + "\n" for x in lines), "utf-8")
    assert cli("import", str(tmp_path / "c.jsonl")).code == 0
    return cli


def test_a_run_whose_messages_cannot_be_delivered_says_so_and_exits_1(ready: Cli) -> None:
    result = ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert result.code == 1
    assert "monthly-shoutout for 2026-10: October 2026 shout-out: 2 contributors" in result.out
    assert (
        "not delivered: shoutout:slack:C01SHOUT:2026-10: SLACK_BOT_TOKEN is not set" in result.out
    )
    assert "not delivered: shoutout:discourse:5:2026-10: DISCOURSE_URL is not set" in result.out
    assert "2 of 2 messages not delivered; they stay in the outbox" in result.err


def test_running_a_job_again_for_the_same_month_says_it_already_ran_and_exits_0(
    ready: Cli,
) -> None:
    ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    again = ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert again.code == 0
    assert "monthly-shoutout already ran for 2026-10" in again.out
    # ...and that what it produced has not gone out yet, and who sends it.
    assert "the outbox still has 2 messages to send: `creditbot serve` sends them" in again.out
    listed = ready("outbox", "list")
    assert listed.out.startswith("outbox: 2 pending, 0 sending, 0 sent, 0 failed")
    assert "shoutout:slack:C01SHOUT:2026-10  -> slack post C01SHOUT" in listed.out


def test_already_ran_points_at_messages_parked_after_failing(ready: Cli, tmp_path: Path) -> None:
    ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    engine = make_engine(database_url(tmp_path))
    with engine.begin() as db:  # as a permanent refusal from Slack leaves it
        db.execute(text("UPDATE outbox SET status = 'failed' WHERE channel = 'slack'"))
    engine.dispose()
    again = ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert "the outbox still has 1 message to send" in again.out
    assert "the outbox has 1 parked message that failed: " in again.out
    assert "`creditbot outbox retry`" in again.out


def test_at_runs_the_job_as_of_that_moment(ready: Cli) -> None:
    result = ready("jobs", "run", "monthly-shoutout", "--at", "2026-11-03T10:00:00")
    assert "monthly-shoutout for 2026-10:" in result.out


def test_wrong_job_names_and_periods_are_refused_clearly(ready: Cli) -> None:
    unknown = ready("jobs", "run", "monthly-shout")
    assert unknown.code == 2
    assert "unknown job 'monthly-shout'; one of: " in unknown.err
    assert "monthly-shoutout" in unknown.err
    bad = ready("jobs", "run", "monthly-shoutout", "--month", "2026-13")
    assert bad.code == 1
    assert "'2026-13' is not a month" in bad.err
    both = ready("jobs", "run", "monthly-shoutout", "--month", "2026-10", "--at", "2026-11-01")
    assert both.code == 2


def test_only_a_parked_message_can_be_retried_by_hand(ready: Cli) -> None:
    ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    waiting = ready("outbox", "retry", "1")
    assert waiting.code == 1
    assert "message 1 is pending, not parked" in waiting.err
    assert ready("outbox", "retry", "99").code == 1
    assert ready("outbox", "retry").code == 2
    everything = ready("outbox", "retry", "--all")
    assert (everything.code, everything.out.strip()) == (0, "0 parked messages back in the queue")


def test_a_published_month_reports_what_was_published_unless_asked_for_the_live_numbers(
    ready: Cli, tmp_path: Path
) -> None:
    ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    late = {"member": "alice@acme.example", "type": "talk", "at": "2026-10-20", "ref": "talk-1"}
    (tmp_path / "late.jsonl").write_text(json.dumps(late) + "\n", "utf-8")
    assert ready("import", str(tmp_path / "late.jsonl")).code == 0

    published = ready("report", "--month", "2026-10")
    assert "As published on" in published.out
    assert "alice" in published.out and "   5 pts" in published.out
    live = ready("report", "--month", "2026-10", "--live")
    assert "As published" not in live.out
    assert "  10 pts" in live.out
    frozen = json.loads(ready("report", "--month", "2026-10", "--format", "json").out)
    assert set(frozen) == {"month", "members", "organisations", "new_contributors", "new_members"}
    assert [(m["name"], m["points"]) for m in frozen["members"]] == [("alice", 5), ("bob", 3)]
    now = json.loads(ready("report", "--month", "2026-10", "--format", "json", "--live").out)
    assert [(m["name"], m["points"]) for m in now["members"]] == [("alice", 10), ("bob", 3)]

    november = ready("report", "--month", "2026-11")
    assert "Corrections to published months" in november.out
    assert "October 2026: alice 5 → 10 points (+5); Acme Learning 5 → 10 points (+5)" in (
        november.out
    )


def test_a_note_shows_in_the_preview_of_the_coming_shoutout(ready: Cli) -> None:
    noted = ready("shoutout", "note", "--month", "2026-10", "Welcome to our new partner, Beta!")
    assert noted.code == 0
    preview = ready("shoutout", "preview", "--month", "2026-10", "--format", "markdown")
    assert preview.out.startswith("# Contributions in October 2026: thank you!")
    assert "> Welcome to our new partner, Beta!" in preview.out
    blocks = json.loads(ready("shoutout", "preview", "--month", "2026-10", "--format", "slack").out)
    assert blocks["blocks"][0]["type"] == "header"
    text = ready("shoutout", "preview", "--month", "2026-10").out
    assert "Top contributors" in text and "Welcome to our new partner, Beta!" in text


def test_jobs_list_shows_each_job_when_it_is_next_due_and_its_last_runs(ready: Cli) -> None:
    ready("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    listed = ready("jobs", "list")
    assert listed.code == 0
    section = listed.out.split("monthly-shoutout: ", 1)[1].split("\n\n")[0]
    assert "  next: " in section and "(UTC); last done: 2026-10" in section
    assert "  2026-10: done, started " in section
    assert "shoutout-draft: a private draft of the shout-out" in listed.out
