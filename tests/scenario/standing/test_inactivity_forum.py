"""`creditbot jobs run inactivity --at`: a member the bot can reach only on the forum is
nudged and welcomed back by a Discourse private message, with the same cooldown."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import credit
from tests.support.cli import Cli
from tests.support.months import JUL, OCT
from tests.support.slack import dm_texts


@pytest.fixture
def forum_env(forum: StandinDiscourse, monkeypatch: pytest.MonkeyPatch) -> StandinDiscourse:
    """The Discourse stand-in, with the CLI's settings pointing at it."""
    monkeypatch.setenv("DISCOURSE_URL", forum.url)
    monkeypatch.setenv("DISCOURSE_API_KEY", API_KEY)
    monkeypatch.setenv("DISCOURSE_API_USERNAME", API_USERNAME)
    forum.add_user("fern", "fern@x.example", user_id=41, name="Fern Forum")
    forum.add_user("sam", "sam@x.example", user_id=42, name="Sam Both")
    return forum


@pytest.fixture
def people(runtime: Runtime) -> Iterator[None]:
    """Fern is only on the forum, Sam on both; each was last credited on 20 July."""
    for identities, name in (
        ([Identity(IdentityKind.DISCOURSE, "fern")], "Fern Forum"),
        (
            [Identity(IdentityKind.DISCOURSE, "sam"), Identity(IdentityKind.SLACK, "U0SAM")],
            "Sam Both",
        ),
    ):
        email = f"{name.split()[0].lower()}@x.example"
        with runtime.uow() as uow:
            ensure_member(
                uow,
                runtime.config,
                [*identities, Identity(IdentityKind.EMAIL, email)],
                name,
                datetime(2026, 7, 1, tzinfo=UTC),
            )
            uow.commit()
        credit(runtime, email, JUL, 3, day=20)
    yield


def run_on_november_first(cli: Cli, forum: StandinDiscourse) -> tuple[str, str]:
    """Run the job on 1 November; the one private message Fern got (title, raw)."""
    result = cli("jobs", "run", "inactivity", "--at", "2026-11-01T10:00:00Z")
    assert result.code == 0, result.err + result.out
    ((title, raw),) = forum.private_messages("fern")
    return title, raw


def test_a_forum_only_member_is_nudged_by_a_private_message_once(
    people: None, cli: Cli, slack: SlackApiStandIn, forum_env: StandinDiscourse
) -> None:
    title, raw = run_on_november_first(cli, forum_env)
    assert title == "We miss you at Community"
    assert raw.startswith("Hi Fern! We have not seen you around for a while")
    assert "Reply to this message and we will not write again" in raw
    assert "a copy of everything we hold about you, or for it to be erased" in raw
    # Sam has Slack: nudged there, not on the forum.
    assert forum_env.private_messages("sam") == []
    assert list(dm_texts(slack)) == ["U0SAM"]
    # Within the cooldown, nothing more goes out on either side.
    again = cli("jobs", "run", "inactivity", "--at", "2026-11-05T10:00:00Z")
    assert again.code == 0, again.err
    assert len(forum_env.private_messages("fern")) == 1
    assert len(slack.calls_to("chat.postMessage")) == 1


def test_the_forum_message_points_to_the_programmes_privacy_page_when_there_is_one(
    people: None,
    cli: Cli,
    slack: SlackApiStandIn,
    forum_env: StandinDiscourse,
    config_data: dict[str, Any],
) -> None:
    config_data["inactivity"] = {"privacy_url": "https://community.example/privacy"}
    _, raw = run_on_november_first(cli, forum_env)
    assert "Say so at https://community.example/privacy and we will not write again" in raw
    assert "Reply to this message" not in raw


def test_a_forum_only_member_back_after_a_long_gap_is_welcomed_back_on_the_forum(
    people: None, runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum_env: StandinDiscourse
) -> None:
    credit(runtime, "fern@x.example", OCT, 2, day=28)  # back after 100 days
    title, raw = run_on_november_first(cli, forum_env)
    assert title == "Welcome back to Community"
    assert raw.startswith("Welcome back, Fern! It is good to see you again after 100 days.")
    assert "Reply to this message" in raw


def test_a_forum_member_who_asked_for_no_more_is_quieted_by_a_manager_and_left_alone(
    people: None, cli: Cli, slack: SlackApiStandIn, forum_env: StandinDiscourse
) -> None:
    quieted = cli("member", "quiet", "fern")
    assert (quieted.code, quieted.out) == (0, "Fern Forum: no more reminders or credit notices\n")
    result = cli("jobs", "run", "inactivity", "--at", "2026-11-01T10:00:00Z")
    assert result.code == 0, result.err + result.out
    assert forum_env.private_messages("fern") == []
    assert list(dm_texts(slack)) == ["U0SAM"]
    unknown = cli("member", "quiet", "nobody-here")
    assert unknown.code == 1
    assert len(unknown.err.strip().splitlines()) == 1
