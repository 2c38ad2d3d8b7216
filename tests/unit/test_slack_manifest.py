"""The manifest asks for exactly what the Slack adapter uses, and subscribes to what it hears."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[2]

# Web API methods the code calls -> the bot scope each needs (None: no scope).
METHOD_SCOPES = {
    "auth.test": None,
    "chat.postMessage": "chat:write",
    "chat.update": "chat:write",
    "chat.postEphemeral": "chat:write",
    "chat.getPermalink": None,
    "conversations.open": "im:write",
    "conversations.history": "channels:history",  # groups:history for private channels
    "conversations.replies": "channels:history",
    "users.info": "users:read",
    "views.publish": None,
    "views.open": None,
    "files.getUploadURLExternal": "files:write",  # files_upload_v2 (/credit export me)
    "files.completeUploadExternal": "files:write",
}
EVENT_SCOPES = {
    "message.channels": "channels:history",
    "message.groups": "groups:history",
    "reaction_added": "reactions:read",
    "team_join": "users:read",
    "app_home_opened": None,
}
OTHER_SCOPES = {"commands", "users:read.email"}  # /credit, /nominate; e-mail in profiles


def _manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    return data


def test_the_bot_scopes_are_exactly_those_the_code_needs() -> None:
    needed = {s for s in [*METHOD_SCOPES.values(), *EVENT_SCOPES.values()] if s} | OTHER_SCOPES
    assert set(_manifest()["oauth_config"]["scopes"]["bot"]) == needed


def test_the_bot_events_are_exactly_those_the_listeners_handle() -> None:
    events = set(_manifest()["settings"]["event_subscriptions"]["bot_events"])
    assert events == set(EVENT_SCOPES)
    sources = "".join(
        p.read_text(encoding="utf-8") for p in (ROOT / "bot" / "slack" / "listeners").rglob("*.py")
    )
    for event in ("message", "reaction_added", "team_join", "app_home_opened"):
        assert f'app.event("{event}")' in sources


def test_the_app_home_tab_is_on() -> None:
    assert _manifest()["features"]["app_home"]["home_tab_enabled"] is True
