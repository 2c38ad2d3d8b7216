"""The running app with its Discourse settings pointing at the loopback stand-in."""

from __future__ import annotations

import itertools
import json
from typing import Any

import httpx
import pytest
from pydantic import SecretStr

from bot.http import build_app
from bot.runtime import Runtime
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.support.discourse import EVENT_TYPES, WEBHOOK_SECRET, Deliver, signature
from tests.support.serving import AppClient


@pytest.fixture
def forum_runtime(runtime: Runtime, forum: StandinDiscourse) -> Runtime:
    """The test runtime, configured for the stand-in forum and a webhook secret."""
    settings = runtime.settings.model_copy(
        update={
            "discourse_url": forum.url,
            "discourse_api_key": SecretStr(API_KEY),
            "discourse_api_username": API_USERNAME,
            "discourse_webhook_secret": SecretStr(WEBHOOK_SECRET),
        }
    )
    return Runtime(settings, runtime.config, runtime.engine, runtime.clock)


@pytest.fixture
def app_client(forum_runtime: Runtime) -> AppClient:
    return AppClient(build_app(forum_runtime))


@pytest.fixture
def deliver(app_client: AppClient) -> Deliver:
    """POST a webhook to /discourse/webhook the way Discourse does (signed, new event id)."""
    event_ids = itertools.count(301)

    def send(
        event: str,
        body: dict[str, Any] | bytes,
        *,
        event_id: int | None = None,
        sign_with: str | None = WEBHOOK_SECRET,
        signature_header: str | None = None,
    ) -> httpx.Response:
        raw = body if isinstance(body, bytes) else json.dumps(body).encode("utf-8")
        headers = {
            "Content-Type": "application/json",
            "User-Agent": "Discourse/3.4.0",
            "X-Discourse-Instance": "https://forum.example.org",
            "X-Discourse-Event-Id": str(event_id or next(event_ids)),
            "X-Discourse-Event-Type": EVENT_TYPES.get(event, "post"),
        }
        if event != "ping":
            headers["X-Discourse-Event"] = event
        if signature_header is not None:
            headers["X-Discourse-Event-Signature"] = signature_header
        elif sign_with is not None:
            headers["X-Discourse-Event-Signature"] = signature(raw, sign_with)
        return app_client.post("/discourse/webhook", content=raw, headers=headers)

    return send


@pytest.fixture
def esther_answers_marco(forum: StandinDiscourse) -> None:
    """The forum behind accepted_solution.json: Marco asked in topic 871, Esther answered."""
    forum.add_user("marco", "marco@gmail.com", user_id=63, name="Marco Rossi")
    forum.add_user("esther_o", "esther@beta.example", user_id=57, name="Esther Okafor")
    forum.add_topic(871, "How do I export grades to CSV?", "marco")
    forum.accept_answer(871, 3, "esther_o")  # the payload's post 3, accepted
