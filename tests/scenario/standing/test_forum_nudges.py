"""A member known on the forum only is nudged by a Discourse private message, with the
same cooldown, saying how to opt out and how to ask for their data or its erasure."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.runtime import Runtime
from bot.services.members import ensure_member
from scoring.models import Identity, IdentityKind
from tests.integration.standing.conftest import JUL, credit
from tests.scenario.standing.conftest import Cli
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn


@pytest.fixture
def forum_env(forum: StandinDiscourse, monkeypatch: pytest.MonkeyPatch) -> StandinDiscourse:
    monkeypatch.setenv("DISCOURSE_URL", forum.url)
    monkeypatch.setenv("DISCOURSE_API_KEY", API_KEY)
    monkeypatch.setenv("DISCOURSE_API_USERNAME", API_USERNAME)
    forum.add_user("nadia_p", "nadia@elsewhere.example", user_id=58, name="Nadia Petrova")
    return forum


def test_a_forum_only_member_is_nudged_by_private_message_once(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum_env: StandinDiscourse
) -> None:
    with runtime.uow() as uow:
        ensure_member(
            uow,
            runtime.config,
            [
                Identity(IdentityKind.DISCOURSE, "nadia_p"),
                Identity(IdentityKind.EMAIL, "nadia@elsewhere.example"),
            ],
            "Nadia Petrova",
            datetime(2026, 7, 1, tzinfo=UTC),
        )
        uow.commit()
    credit(runtime, "nadia@elsewhere.example", JUL, 3, day=20)

    result = cli("jobs", "run", "inactivity", "--at", "2026-11-01T10:00:00Z")

    assert result.code == 0, result.err
    (sent,) = [c for c in forum_env.calls("/posts", method="POST") if "raw" in c.form]
    assert sent.form["archetype"] == ["private_message"]
    assert "nadia_p" in str(sent.form.get("target_recipients") or sent.form)
    raw = sent.form["raw"][0]
    assert raw.startswith("Hi Nadia! We have not seen you around for a while")
    assert "/credit" not in raw
    assert "ask for a copy of what we hold about you or for it to be erased" in raw
    assert slack.calls_to("chat.postMessage") == []
    again = cli("jobs", "run", "inactivity", "--at", "2026-11-02T10:00:00Z")
    assert again.code == 0, again.err
    assert len([c for c in forum_env.calls("/posts", method="POST") if "raw" in c.form]) == 1
