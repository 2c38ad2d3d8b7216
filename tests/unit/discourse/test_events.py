"""Discourse payloads as events: natural keys, what is ignored and why, signatures."""

from __future__ import annotations

import hashlib
import hmac
import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import DiscourseConfig
from bot.discourse.events import ForumEvent, PayloadError, ignored_reason, parse_event
from bot.discourse.webhook import sign, signature_matches

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "discourse"
CONFIG = DiscourseConfig(support_category_ids=[7])


def _body(name: str) -> dict[str, Any]:
    data: dict[str, Any] = json.loads((PAYLOADS / f"{name}.json").read_text(encoding="utf-8"))
    return data


def _event(name: str, fixture: str, **changes: Any) -> ForumEvent:
    body = _body(fixture)
    (key,) = body
    return parse_event(name, {**body[key], **changes})


@pytest.mark.parametrize(
    ("name", "fixture", "key"),
    [
        ("accepted_solution", "accepted_solution", "accepted_solution:2211"),
        ("unaccepted_solution", "unaccepted_solution", "unaccepted_solution:2211"),
        ("post_created", "post_created", "post_created:2240"),
        ("topic_created", "topic_created", "topic_created:880"),
        ("user_created", "user_created", "user_created:58"),
    ],
)
def test_each_event_is_keyed_by_what_happened_to_which_object(
    name: str, fixture: str, key: str
) -> None:
    event = _event(name, fixture)

    assert event.key == key
    assert ignored_reason(event, CONFIG) is None


def test_a_post_keeps_what_creditbot_uses_and_not_its_text() -> None:
    event = _event("accepted_solution", "accepted_solution")

    stored = json.loads(event.to_json())

    assert stored["username"] == "esther_o"
    assert stored["created_at"] == "2026-10-14T09:12:33.512000+00:00"
    assert "raw" not in stored and "cooked" not in stored
    assert ForumEvent.from_json("accepted_solution", event.to_json()) == event


def test_times_are_read_as_utc() -> None:
    event = _event("topic_created", "topic_created")

    assert event.subject.created_at == datetime(2026, 10, 21, 8, 3, 51, 204000, tzinfo=UTC)


def test_the_user_webhook_carries_the_email() -> None:
    event = _event("user_created", "user_created")

    assert getattr(event.subject, "email", None) == "nadia@acme.example"


@pytest.mark.parametrize(
    ("name", "fixture", "changes", "reason"),
    [
        ("post_created", "post_created_private_message", {}, "a private message"),
        ("post_created", "post_created_whisper", {}, "a whisper"),
        ("post_created", "post_created", {"post_type": 3}, "not a regular post"),
        ("post_created", "post_created", {"username": "system", "user_id": -1}, "system account"),
        ("post_created", "post_created", {"username": "DiscoBot", "user_id": 5}, "ignored account"),
        ("topic_created", "topic_created", {"archetype": "private_message"}, "a private message"),
        ("accepted_solution", "accepted_solution", {"category_id": 4}, "not a support category"),
    ],
)
def test_what_earns_nothing_and_counts_as_no_activity(
    name: str, fixture: str, changes: dict[str, Any], reason: str
) -> None:
    found = ignored_reason(_event(name, fixture, **changes), CONFIG)

    assert found is not None and reason in found


def test_an_unaccepted_solution_outside_the_support_categories_still_withdraws() -> None:
    event = _event("unaccepted_solution", "unaccepted_solution", category_id=4)

    assert ignored_reason(event, CONFIG) is None


@pytest.mark.parametrize(
    "changes",
    [{"id": None}, {"username": ""}, {"created_at": "yesterday"}, {"topic_id": "x"}],
)
def test_a_post_without_its_essentials_is_a_payload_error(changes: dict[str, Any]) -> None:
    with pytest.raises(PayloadError):
        _event("post_created", "post_created", **changes)


def test_the_signature_is_the_hex_hmac_sha256_of_the_raw_body() -> None:
    body = b'{"ping":"OK"}'
    expected = "sha256=" + hmac.new(b"s3cret-value", body, hashlib.sha256).hexdigest()

    assert sign("s3cret-value", body) == expected
    assert signature_matches("s3cret-value", body, expected)
    assert not signature_matches("s3cret-value", body + b" ", expected)
    assert not signature_matches("s3cret-value", body, expected.removeprefix("sha256="))
    assert not signature_matches("s3cret-value", body, None)
    assert not signature_matches("s3cret-value", body, "sha256=ünïcode")
