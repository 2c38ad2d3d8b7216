"""POST /discourse/webhook: signatures, pings, unknown events and malformed bodies."""

from __future__ import annotations

import json
import logging

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select

from bot.http import build_app
from bot.runtime import Runtime
from storage.tables import CreditRow, InboxRow
from tests.support.discourse import Deliver, payload, signature
from tests.support.serving import AppClient


def _stored(runtime: Runtime) -> tuple[int, int]:
    """(inbox entries, credits) in the database."""
    with runtime.reader() as uow:
        inbox = uow.session.execute(select(func.count()).select_from(InboxRow)).scalar_one()
        credits = uow.session.execute(select(func.count()).select_from(CreditRow)).scalar_one()
    return inbox, credits


def test_a_forged_signature_is_refused_and_nothing_is_stored(
    deliver: Deliver, forum_runtime: Runtime, esther_answers_marco: None
) -> None:
    response = deliver(
        "accepted_solution", payload("accepted_solution"), sign_with="not-the-secret"
    )

    assert response.status_code == 401
    assert "X-Discourse-Event-Signature" in response.json()["error"]
    assert _stored(forum_runtime) == (0, 0)


def test_a_missing_signature_is_refused_and_nothing_is_stored(
    deliver: Deliver, forum_runtime: Runtime, esther_answers_marco: None
) -> None:
    response = deliver("accepted_solution", payload("accepted_solution"), sign_with=None)

    assert response.status_code == 401
    assert _stored(forum_runtime) == (0, 0)


def test_a_signature_of_another_body_is_refused(
    deliver: Deliver, forum_runtime: Runtime, esther_answers_marco: None
) -> None:
    other = json.dumps(payload("accepted_solution", id=9999)).encode()
    response = deliver(
        "accepted_solution", payload("accepted_solution"), signature_header=signature(other)
    )

    assert response.status_code == 401
    assert _stored(forum_runtime) == (0, 0)


def test_a_ping_is_answered(deliver: Deliver) -> None:
    response = deliver("ping", payload("ping"))

    assert response.status_code == 200
    assert response.json()["ping"] == "pong"


def test_an_event_creditbot_does_not_use_is_acknowledged_and_ignored(
    deliver: Deliver, forum_runtime: Runtime
) -> None:
    response = deliver("post_edited", payload("post_created"))

    assert response.status_code == 200
    assert response.json()["status"] == "ignored"
    assert _stored(forum_runtime) == (0, 0)


@pytest.mark.parametrize(
    "body",
    [b"{not json", b"\xff\xfe\x00garbage", b"[1, 2, 3]", b'{"solved": {"id": "two"}}'],
    ids=["broken JSON", "not UTF-8", "not an object", "no usable post"],
)
def test_a_signed_but_malformed_body_is_a_bad_request(
    deliver: Deliver, forum_runtime: Runtime, body: bytes
) -> None:
    response = deliver("accepted_solution", body)

    assert response.status_code == 400
    assert _stored(forum_runtime) == (0, 0)


def test_without_a_webhook_secret_every_delivery_is_refused_with_a_clear_message(
    forum_runtime: Runtime, caplog: pytest.LogCaptureFixture
) -> None:
    settings = forum_runtime.settings.model_copy(update={"discourse_webhook_secret": None})
    unconfigured = Runtime(
        settings, forum_runtime.config, forum_runtime.engine, forum_runtime.clock
    )
    body = json.dumps(payload("accepted_solution")).encode()
    with caplog.at_level(logging.ERROR):
        response = AppClient(build_app(unconfigured)).post(
            "/discourse/webhook",
            content=body,
            headers={
                "X-Discourse-Event-Type": "solved",
                "X-Discourse-Event": "accepted_solution",
                "X-Discourse-Event-Signature": signature(body),
            },
        )

    assert response.status_code == 503
    assert "DISCOURSE_WEBHOOK_SECRET" in response.json()["error"]
    assert "DISCOURSE_WEBHOOK_SECRET is not set" in caplog.text
    assert _stored(forum_runtime) == (0, 0)


def test_an_empty_secret_counts_as_unset(forum_runtime: Runtime) -> None:
    settings = forum_runtime.settings.model_copy(update={"discourse_webhook_secret": SecretStr("")})
    unconfigured = Runtime(
        settings, forum_runtime.config, forum_runtime.engine, forum_runtime.clock
    )
    body = b'{"ping": "OK"}'
    response = AppClient(build_app(unconfigured)).post(
        "/discourse/webhook",
        content=body,
        headers={
            "X-Discourse-Event-Type": "ping",
            "X-Discourse-Event-Signature": signature(body, ""),
        },
    )

    assert response.status_code == 503
