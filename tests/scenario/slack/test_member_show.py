"""``creditbot member show M`` names a member in public again (the contract's meaning),
tells a member who had hidden themselves, and prints the record; ``member info M`` is
the read-only record. The member hides through a signed ``/credit hide me``; the CLI
runs in-process with Slack pointed at the stand-in."""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, datetime

import pytest

from tests.standins.slack_api import SlackApiStandIn
from tests.support.cli import CliResult
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import BOT_TOKEN

Cli = Callable[..., CliResult]


@pytest.fixture
def manager(cli: Cli, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """The CLI of a programme manager, its Slack settings pointing at the stand-in."""
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    return cli


def _credit_alice_in_october(app: RunningApp, clock: FixedClock) -> None:
    now = clock.now
    clock.set(datetime(2026, 10, 20, 15, 0, tzinfo=UTC))
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    clock.set(now)


def _dms_to_alice(slack_api: SlackApiStandIn) -> list[str]:
    return [str(p["text"]) for p in slack_api.posts_to("D0ALICE")]


def test_member_show_names_a_self_hidden_member_again_and_tells_them_privately(
    app: RunningApp, slack_api: SlackApiStandIn, manager: Cli, clock: FixedClock
) -> None:
    _credit_alice_in_october(app, clock)
    app.command("hide me", user_id="U0ALICE")
    assert "Alice Martin" not in app.http.get("/reports/2026-10").text
    slack_api.clear()

    result = manager("member", "show", "U0ALICE")

    assert result.code == 0, result.err
    first, *record = result.out.splitlines()
    assert re.fullmatch(
        r"member \d+: shown in public again \(hidden since 2026-11-01, by the member\); "
        r"they are told privately",
        first,
    ), first
    assert record[0].startswith("Alice Martin (member ")
    assert any(re.search(r"#\d+ 2026-10-20 code 5 acme", line) for line in record), record
    (told,) = [t for t in _dms_to_alice(slack_api) if "listed you in public again" in t]
    assert "`/credit hide me` leaves it out again" in told
    assert "Alice Martin" in app.http.get("/reports/2026-10").text

    again = manager("member", "show", "U0ALICE")

    assert again.code == 0 and again.out.splitlines()[0].endswith(": already shown in public")
    assert len([t for t in _dms_to_alice(slack_api) if "listed you in public" in t]) == 1


def test_member_show_after_a_manager_hid_someone_tells_nobody(
    app: RunningApp, slack_api: SlackApiStandIn, manager: Cli, clock: FixedClock
) -> None:
    _credit_alice_in_october(app, clock)
    assert manager("member", "hide", "U0ALICE").code == 0
    slack_api.clear()

    result = manager("member", "show", "U0ALICE")

    assert result.code == 0, result.err
    assert re.search(r"\(hidden since \d{4}-\d\d-\d\d, by a manager\)$", result.out.splitlines()[0])
    assert not [t for t in _dms_to_alice(slack_api) if "listed you in public" in t]


def test_member_info_prints_the_record_and_changes_nothing(app: RunningApp, manager: Cli) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    app.command("hide me", user_id="U0ALICE")

    info = manager("member", "info", "U0ALICE")

    assert info.code == 0 and info.out.startswith("Alice Martin (member ")
    assert "Alice Martin" not in app.http.get("/reports/2026-10").text
    assert manager("member", "show", "U0ALICE", "--publicly").code == 2
    hidden_alias = manager("member", "unhide", "U0ALICE")
    assert hidden_alias.code == 0 and "shown in public again" in hidden_alias.out
    listing = manager("member", "--help").out
    assert "info" in listing and "unhide" not in listing
