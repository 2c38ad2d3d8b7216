"""Talking to the app as Slack does: signed requests, payloads from
``tests/payloads/slack/``, the people and the help thread of the Slack scenarios, and what
the Slack stand-in received."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from pathlib import Path
from typing import Any

from tests.standins.slack_api import SlackApiStandIn

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads" / "slack"
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
HELP = "C0HELP"
REVIEW = "C01REVIEW"

# The thread most tests use: Dmitri asks, Alice answers, Dmitri thanks her.
PARENT_TS = "1793520000.000100"
ANSWER_TS = "1793521200.000200"
THANKS_TS = "1793521800.000300"

#: Slack id, name, e-mail, is a bot, deleted: the stand-in's users (``slack_api`` fixture).
PEOPLE = [
    ("U01LEAD", "Lena Lead", "lena@project.example", False, False),
    ("U02LEAD", "Leo Lead", "leo@project.example", False, False),
    ("U0ALICE", "Alice Martin", "alice@acme.example", False, False),
    ("U0BOB", "Bob Chen", "bob@beta.example", False, False),
    ("U0DMITRI", "Dmitri Ivanov", "dmitri@gmail.com", False, False),
    ("U0DEPLOY", "Deploy Bot", None, True, False),
    ("U0GONE", "Gone Person", "gone@acme.example", False, True),
]


def payload(name: str) -> dict[str, Any]:
    """A payload from tests/payloads/slack/ (a fresh copy to change)."""
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return copy.deepcopy(data)


def sign(body: bytes, timestamp: str, secret: str = SIGNING_SECRET) -> str:
    """What Slack puts in X-Slack-Signature."""
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def thank_alice_event(event_id: str = "Ev0MSG000001", text: str | None = None) -> dict[str, Any]:
    """Dmitri's thanks in the help thread, after putting the thread in the stand-in."""
    envelope = payload("event_message_thread_reply")
    envelope["event_id"] = event_id
    if text is not None:
        envelope["event"]["text"] = text
    return envelope


def add_help_thread(slack_api: SlackApiStandIn) -> None:
    slack_api.add_message(HELP, PARENT_TS, "U0DMITRI", "How do I turn on SSO? The login loops.")
    slack_api.add_message(
        HELP,
        ANSWER_TS,
        "U0ALICE",
        "Set `auth.sso: true` and restart the worker, then clear your cookies.",
        thread_ts=PARENT_TS,
    )


def answer_body(
    suggestion_id: int,
    user: str,
    *,
    accept: bool = True,
    kind: str = "support",
    question_ts: str = "1793600000.000001",
) -> dict[str, Any]:
    """A click on Yes / No of question ``suggestion_id`` by ``user``."""
    body = payload("block_actions_answer")
    block = f"suggestion:{suggestion_id}"
    body["user"]["id"] = user
    body["container"]["message_ts"] = question_ts
    body["message"]["ts"] = question_ts
    body["state"]["values"] = {
        block: {
            "suggestion_type": {
                "type": "static_select",
                "selected_option": {
                    "text": {"type": "plain_text", "text": kind, "emoji": True},
                    "value": kind,
                },
            }
        }
    }
    action = body["actions"][0]
    action["block_id"] = block
    action["value"] = str(suggestion_id)
    action["action_id"] = "suggestion_yes" if accept else "suggestion_no"
    return body


# -- what the stand-in received ------------------------------------------------------------
def dm_texts(slack: SlackApiStandIn) -> dict[str, list[str]]:
    """What each user received privately: user id -> texts, in order.

    The gateway opens the IM (``conversations.open``, which the stand-in answers with
    ``D`` + the user id without its first letter) and posts in it.
    """
    out: dict[str, list[str]] = {}
    for post in slack.calls_to("chat.postMessage"):
        channel = str(post["channel"])
        if channel.startswith("D"):
            out.setdefault("U" + channel[1:], []).append(str(post["text"]))
    return out


def public_texts(slack: SlackApiStandIn) -> dict[str, list[str]]:
    """What was posted in channels: channel id -> texts, in order."""
    out: dict[str, list[str]] = {}
    for post in slack.calls_to("chat.postMessage"):
        channel = str(post["channel"])
        if not channel.startswith("D"):
            out.setdefault(channel, []).append(str(post["text"]))
    return out


def everything_sent(slack: SlackApiStandIn) -> list[dict[str, Any]]:
    return slack.calls_to("chat.postMessage")


def shoutout_posts(slack: SlackApiStandIn, channel: str = "C01SHOUT") -> list[dict[str, Any]]:
    return slack.posts_to(channel)
