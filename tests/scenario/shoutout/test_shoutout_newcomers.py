"""The shout-out welcomes the month's new contributors by name, in Slack and on the forum:
those who chose not to be shown are counted, never named, and no name pings or links."""

from __future__ import annotations

import json

import pytest

from bot.runtime import Runtime
from scoring.models import Identity, IdentityKind
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.shoutout import PEOPLE, give, september_and_october
from tests.support.cli import Cli
from tests.support.months import NOV, OCT
from tests.support.slack import shoutout_posts

MALLORY = "<!channel> Mallory @everyone http://evil.example"


def hide(runtime: Runtime, email: str) -> None:
    with runtime.uow() as uow:
        member = uow.members.find(Identity(IdentityKind.EMAIL, email))
        assert member is not None
        uow.members.set_flags(member.id, show_publicly=False)
        uow.commit()


def forum_raw(forum: StandinDiscourse) -> str:
    return str(forum.calls("/posts", method="POST")[0].form["raw"][0])


def test_new_contributors_are_welcomed_by_name_but_a_hidden_one_only_counted(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    september_and_october(runtime)  # new in October: Esther, Hugo and Jon
    hide(runtime, "jon@gmail.com")
    result = cli("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert result.code == 0, result.err

    (post,) = shoutout_posts(slack)
    welcome = "Welcome, Esther Okafor, Hugo Laurent and 1 more!"
    plain = [b["text"]["text"] for b in post["blocks"] if b.get("type") == "section"]
    assert welcome in plain
    assert post["text"].endswith(welcome)
    assert "3 new contributors" in json.dumps(post["blocks"])
    assert "Jon" not in json.dumps(post)

    raw = forum_raw(forum)
    assert "**3** new contributors" in raw
    assert welcome in raw
    assert "Jon" not in raw


def test_a_newcomer_named_to_ping_everyone_pings_nobody_and_links_nowhere(
    runtime: Runtime,
    cli: Cli,
    slack: SlackApiStandIn,
    forum: StandinDiscourse,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setitem(PEOPLE, MALLORY, (None, None, "mallory@example.org"))
    give(runtime, MALLORY, OCT, 2)
    result = cli("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert result.code == 0, result.err

    (post,) = shoutout_posts(slack)
    sent = json.dumps(post, ensure_ascii=False)
    raw = forum_raw(forum)
    assert "Mallory" in sent and "Mallory" in raw
    for text in (sent, raw):
        assert "<!channel>" not in text
        assert "@everyone" not in text
        assert "http://" not in text
        assert "evil.example" not in text


def test_a_month_without_newcomers_names_nobody(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    september_and_october(runtime)
    give(runtime, "Alice Martin", NOV, 4)  # credited before: not new
    result = cli("jobs", "run", "monthly-shoutout", "--month", "2026-11")
    assert result.code == 0, result.err
    (post,) = shoutout_posts(slack)
    assert "Alice" in post["text"]
    assert "Welcome," not in json.dumps(post)
    assert "Welcome," not in forum_raw(forum)
