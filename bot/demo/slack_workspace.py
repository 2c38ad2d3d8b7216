"""A recording Slack workspace for the demo: the people in it, event payloads shaped as
Slack sends them, and a stand-in Web API that prints what the bot would post."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

Echo = Callable[[str], None]
Blocks = list[dict[str, Any]]

BOT_USER = "U0CREDITBOT"
HELP = "C0HELP"
TEAM = "T0DEMO"
LEAD = "U0LEAD"

PEOPLE = {
    "U0DMITRI": ("Dmitri Ivanov", "dmitri@beta.example"),
    "U0GRACE": ("Grace Kim", "grace@gamma.example"),
    LEAD: ("Lee Lead", "lee@project.example"),
    "U0PAULA": ("Paula Souza", "paula@beta.example"),
    "U0OMAR": ("Omar Haddad", "omar@gamma.example"),
}


class RecordingSlack:
    """A stand-in Web API: a small workspace to read from; posts are printed, not sent."""

    def __init__(self, echo: Echo, channel_names: dict[str, str]) -> None:
        self._echo = echo
        self._names = channel_names
        self._posted = 0
        self.messages: list[dict[str, Any]] = []

    def _channel(self, channel: str) -> str:
        return "#" + self._names.get(channel, channel)

    def _show(self, what: str, text: str, blocks: Blocks | None) -> None:
        self._echo(f"  -> {what}:")
        for line in _render(text, blocks):
            self._echo(f"       {line}")

    def post_message(
        self, channel: str, text: str, blocks: Blocks | None = None, thread_ts: str | None = None
    ) -> str:
        self._posted += 1
        self._show(f"would post in {self._channel(channel)}", text, blocks)
        return f"1793523600.{self._posted:06d}"

    def update_message(
        self, channel: str, ts: str, text: str, blocks: Blocks | None = None
    ) -> None:
        self._show(f"would update the question in {self._channel(channel)}", text, blocks)

    def post_ephemeral(
        self, channel: str, user: str, text: str, blocks: Blocks | None = None
    ) -> None:
        self._show(f"would tell {user} privately", text, blocks)

    def send_dm(self, user: str, text: str, blocks: Blocks | None = None) -> str:
        self._show(f"would message {user}", text, blocks)
        return "1793523600.999999"

    def user_info(self, user_id: str) -> dict[str, Any]:
        name, email = PEOPLE[user_id]
        return {
            "id": user_id,
            "name": name.split()[0].lower(),
            "real_name": name,
            "is_bot": False,
            "deleted": False,
            "profile": {"real_name": name, "email": email},
        }

    def permalink(self, channel: str, ts: str) -> str | None:
        return f"https://demo.slack.example/archives/{channel}/p{ts.replace('.', '')}"

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._show(f"would publish the App Home of {user_id}", "", view.get("blocks"))

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        self._show("would open a form", "", view.get("blocks"))

    def thread_replies(self, channel: str, thread_ts: str, before: str) -> list[dict[str, Any]]:
        return [
            m
            for m in self.messages
            if m["channel"] == channel
            and m.get("thread_ts", m["ts"]) == thread_ts
            and float(m["ts"]) < float(before)
        ]

    def who_am_i(self) -> dict[str, Any]:
        return {"user_id": BOT_USER, "bot_id": "B0CREDITBOT", "team_id": TEAM}

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        return next((m for m in self.messages if (m["channel"], m["ts"]) == (channel, ts)), None)


_MARKUP = re.compile(r"<([@#!])?([^>|]+)(?:\|([^>]*))?>")
_CHANNEL_NAMES = {HELP: "help"}


def readable(text: str) -> str:
    """Slack markup as a person sees it: names for mentions, labels for links."""

    def one(match: re.Match[str]) -> str:
        sigil, target, label = match.groups()
        if sigil == "@":
            return "@" + PEOPLE.get(target, (target, ""))[0]
        if sigil == "#":
            return "#" + _CHANNEL_NAMES.get(target, label or target)
        if sigil == "!":
            return "@" + (label or target)
        return f"{label} ({target})" if label else target

    return _MARKUP.sub(one, text)


def _render(text: str, blocks: Blocks | None) -> list[str]:
    """Blocks as a few lines of text (sections, context, buttons and menus)."""
    if not blocks:
        return [readable(line) for line in text.splitlines()]
    return [readable(line) for line in _render_blocks(blocks)]


def _render_blocks(blocks: Blocks) -> list[str]:
    lines: list[str] = []
    for block in blocks:
        if block.get("type") in ("section", "header"):
            lines.extend(block["text"]["text"].splitlines())
        elif block.get("type") == "context":
            lines.extend(e.get("text", "") for e in block.get("elements", []))
        elif block.get("type") == "actions":
            controls = []
            for element in block.get("elements", []):
                if element.get("type") == "static_select":
                    chosen = (element.get("initial_option") or {}).get("value", "")
                    controls.append(f"[type: {chosen} v]")
                else:
                    controls.append(f"[{element['text']['text']}]")
            lines.append(" ".join(controls))
    return lines


def envelope(event: dict[str, Any], event_id: str, event_time: int) -> dict[str, Any]:
    """An Events API envelope as Slack sends it."""
    return {
        "token": "demo-verification-token",
        "team_id": TEAM,
        "api_app_id": "A0DEMO",
        "event": event,
        "type": "event_callback",
        "event_id": event_id,
        "event_time": event_time,
        "authorizations": [
            {"enterprise_id": None, "team_id": TEAM, "user_id": BOT_USER, "is_bot": True}
        ],
    }


def message_event(user: str, text: str, ts: str, thread_ts: str | None = None) -> dict[str, Any]:
    event = {
        "type": "message",
        "user": user,
        "text": text,
        "ts": ts,
        "channel": HELP,
        "event_ts": ts,
        "channel_type": "channel",
        "team": TEAM,
    }
    if thread_ts:
        event["thread_ts"] = thread_ts
        event["parent_user_id"] = "U0DMITRI"
    return event
