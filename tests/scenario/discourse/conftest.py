"""The running app with its Discourse settings pointing at the loopback stand-in."""

from __future__ import annotations

import copy
import hashlib
import hmac
import itertools
import json
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import anyio
import httpx
import pytest
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlmodel import SQLModel
from starlette.applications import Starlette

from bot.http import build_app
from bot.runtime import Runtime
from scoring.models import Credit, Identity, IdentityKind, Member
from storage.tables import InboxRow, columns
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "discourse"
WEBHOOK_SECRET = "test-webhook-secret"

EVENT_TYPES = {
    "accepted_solution": "solved",
    "unaccepted_solution": "solved",
    "post_created": "post",
    "topic_created": "topic",
    "user_created": "user",
    "post_edited": "post",
    "ping": "ping",
}


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


class AppClient:
    """Requests to the ASGI app itself; a call returns once the app is done with the
    request, including the work it does after answering (so tests need no waiting)."""

    def __init__(self, app: Starlette) -> None:
        self.app = app

    def post(self, path: str, content: bytes, headers: dict[str, str]) -> httpx.Response:
        async def send() -> httpx.Response:
            transport = httpx.ASGITransport(app=self.app)
            async with httpx.AsyncClient(
                transport=transport, base_url="https://creditbot.example.org"
            ) as client:
                response = await client.post(path, content=content, headers=headers)
                await response.aread()
                return response

        return anyio.run(send)


@pytest.fixture
def app_client(forum_runtime: Runtime) -> AppClient:
    return AppClient(build_app(forum_runtime))


Deliver = Callable[..., httpx.Response]


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


# -- reading what the bot stored --------------------------------------------------------
def solution_credit(runtime: Runtime, post_id: int) -> Credit | None:
    with runtime.reader() as uow:
        return uow.credits.by_ref("discourse", f"solution:{post_id}")


def forum_member(runtime: Runtime, username: str) -> Member | None:
    with runtime.reader() as uow:
        return uow.members.find(Identity(IdentityKind.DISCOURSE, username))


@dataclass(frozen=True)
class Entry:
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None


def inbox_entry(runtime: Runtime, key: str) -> Entry:
    """The inbox entry of a Discourse event (it must exist)."""
    with runtime.reader() as uow:
        row = uow.session.execute(
            select(InboxRow).where(
                columns(InboxRow).source == "discourse", columns(InboxRow).key == key
            )
        ).scalar_one()
        return Entry(row.status, row.attempts, row.last_error, row.next_attempt_at)


def count_rows(runtime: Runtime, model: type[SQLModel]) -> int:
    with runtime.reader() as uow:
        return int(uow.session.execute(select(func.count()).select_from(model)).scalar_one())


@pytest.fixture
def esther_answers_marco(forum: StandinDiscourse) -> None:
    """The forum behind accepted_solution.json: Marco asked in topic 871, Esther answered."""
    forum.add_user("marco", "marco@gmail.com", user_id=63, name="Marco Rossi")
    forum.add_user("esther_o", "esther@beta.example", user_id=57, name="Esther Okafor")
    forum.add_topic(871, "How do I export grades to CSV?", "marco")
    forum.accept_answer(871, 3, "esther_o")  # the payload's post 3, accepted
