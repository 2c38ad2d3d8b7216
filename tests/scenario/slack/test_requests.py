"""What reaches /slack/events before any listener: signatures, bodies, Slack's checks."""

from __future__ import annotations

import json
import time

import anyio
import httpx

from bot.http import build_app
from bot.runtime import Runtime
from bot.slack.http import slack_app_of
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import add_help_thread, sign, thank_alice_event
from tests.support.stored import stored

NOTHING = {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 0}


def _thanks_body() -> bytes:
    return json.dumps(thank_alice_event()).encode()


def test_a_forged_signature_is_refused_with_401_and_changes_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    body = _thanks_body()
    stamp = str(int(time.time()))
    forged = sign(body, stamp, secret="not-the-signing-secret")
    response = app.send(body, "application/json", timestamp=stamp, signature=forged)
    app.drain()
    assert response.status_code == 401
    assert stored(app.runtime) == NOTHING
    assert slack_api.methods() == []


def test_a_body_changed_after_signing_is_refused(app: RunningApp) -> None:
    body = _thanks_body()
    stamp = str(int(time.time()))
    signature = sign(body, stamp)
    response = app.send(
        body.replace(b"fixed", b"broke"), "application/json", timestamp=stamp, signature=signature
    )
    assert response.status_code == 401


def test_a_request_without_signature_headers_is_refused(app: RunningApp) -> None:
    response = app.send(_thanks_body(), "application/json", signed=False)
    assert response.status_code == 401
    assert stored(app.runtime) == NOTHING


def test_a_correctly_signed_request_older_than_five_minutes_is_refused(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    stale = str(int(time.time()) - 5 * 60 - 30)
    response = app.send(_thanks_body(), "application/json", timestamp=stale)
    app.drain()
    assert response.status_code == 401
    assert response.text == "stale timestamp"
    assert stored(app.runtime) == NOTHING


NOT_SLACK_BODIES = [
    (b"\xff\xfe{not utf-8", "application/json"),
    (b'{"type": "event_callback", "event": ', "application/json"),
    (b"[1, 2, 3]", "application/json"),
    (b'{"no": "type"}', "application/json"),
    (b"payload=%7Bnot+json", "application/x-www-form-urlencoded"),
    (b"payload=%FF%FE", "application/x-www-form-urlencoded"),
    (b"just some words", "application/x-www-form-urlencoded"),
    (b"", "application/x-www-form-urlencoded"),
]


def test_a_signed_body_that_is_not_a_slack_request_gets_400_not_500(app: RunningApp) -> None:
    for body, content_type in NOT_SLACK_BODIES:
        response = app.send(body, content_type)
        assert response.status_code == 400, body
    assert stored(app.runtime) == NOTHING


def test_slacks_url_verification_is_answered_with_the_challenge(app: RunningApp) -> None:
    body = json.dumps(
        {"token": "test-verification-token", "challenge": "c-3p0-r2d2", "type": "url_verification"}
    ).encode()
    response = app.send(body, "application/json")
    assert response.status_code == 200
    assert response.json() == {"challenge": "c-3p0-r2d2"}


def test_an_event_nobody_listens_to_is_acked_so_slack_does_not_retry(app: RunningApp) -> None:
    envelope = thank_alice_event()
    envelope["event"] = {"type": "channel_rename", "channel": {"id": "C0HELP", "name": "aide"}}
    assert app.event(envelope).status_code == 200
    assert stored(app.runtime)["inbox"] == 0


def test_without_slack_settings_the_route_says_which_variable_is_missing(
    runtime: Runtime,
) -> None:
    app = build_app(runtime)
    assert slack_app_of(app) is None

    async def post() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://test") as client:
            return await client.post("/slack/events", content=b"{}")

    response = anyio.run(post)
    assert response.status_code == 503
    assert response.json()["error"] == (
        "SLACK_SIGNING_SECRET is not set; it is needed for Slack requests"
    )
