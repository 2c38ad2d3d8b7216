"""Talking to the app as Discourse does: webhook bodies from
``tests/payloads/discourse/``, signed as Discourse signs them, and what the forum
stand-in received."""

from __future__ import annotations

import copy
import hashlib
import hmac
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import httpx

from tests.standins.discourse_api import StandinDiscourse

PAYLOADS = Path(__file__).resolve().parents[1] / "payloads" / "discourse"
WEBHOOK_SECRET = "test-webhook-secret"

#: X-Discourse-Event -> X-Discourse-Event-Type.
EVENT_TYPES = {
    "accepted_solution": "solved",
    "unaccepted_solution": "solved",
    "post_created": "post",
    "topic_created": "topic",
    "user_created": "user",
    "post_edited": "post",
    "ping": "ping",
}

#: The ``deliver`` fixture: ``deliver("post_created", body, event_id=..., sign_with=...)``.
Deliver = Callable[..., httpx.Response]


def payload(name: str, **changes: Any) -> dict[str, Any]:
    """A webhook body from tests/payloads/discourse/, with fields of its object changed."""
    body: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    body = copy.deepcopy(body)
    (key,) = body
    if changes:
        body[key].update(changes)
    return body


def signature(body: bytes, secret: str = WEBHOOK_SECRET) -> str:
    """What Discourse puts in X-Discourse-Event-Signature."""
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def shoutout_topics(forum: StandinDiscourse) -> list[Any]:
    """The topics the bot created (they carry an external id)."""
    return [t for t in forum.topics.values() if t.external_id]
