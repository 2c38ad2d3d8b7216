"""The running app (uvicorn on a free loopback port) with Slack pointed at the stand-in."""

from __future__ import annotations

import asyncio
import copy
import hashlib
import hmac
import json
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import uvicorn
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.http import build_app
from bot.runtime import Runtime
from bot.slack.app import SlackApp
from bot.slack.http import slack_app_of
from storage.tables import CreditRow, InboxRow, OutboxRow, SuggestionRow
from tests.standins.slack_api import SlackApiStandIn

PAYLOADS = Path(__file__).resolve().parents[2] / "payloads" / "slack"
SIGNING_SECRET = "test-signing-secret"
BOT_TOKEN = "xoxb-test-token"
HELP = "C0HELP"
REVIEW = "C01REVIEW"

# The thread most tests use: Dmitri asks, Alice answers, Dmitri thanks her.
PARENT_TS = "1793520000.000100"
ANSWER_TS = "1793521200.000200"
THANKS_TS = "1793521800.000300"

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
    base = b"v0:" + timestamp.encode() + b":" + body
    return "v0=" + hmac.new(secret.encode(), base, hashlib.sha256).hexdigest()


def count(runtime: Runtime, model: type[SQLModel]) -> int:
    with runtime.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def stored(runtime: Runtime) -> dict[str, int]:
    """How many credits, suggestions, outbox messages and inbox events are stored."""
    return {
        "credits": count(runtime, CreditRow),
        "suggestions": count(runtime, SuggestionRow),
        "outbox": count(runtime, OutboxRow),
        "inbox": count(runtime, InboxRow),
    }


@pytest.fixture
def slack_runtime(runtime: Runtime, slack_api: SlackApiStandIn) -> Runtime:
    """The test runtime with Slack settings pointing at the stand-in."""
    settings = runtime.settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": slack_api.url,
        }
    )
    return Runtime(settings, runtime.config, runtime.engine, runtime.clock)


class _Server(uvicorn.Server):
    """uvicorn, checking for shutdown every 10 ms instead of 100 (tests stop it often)."""

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864_000
            await asyncio.sleep(0.01)
            should_exit = await self.on_tick(counter)


class RunningApp:
    """The real ASGI app served by uvicorn in a thread, and a signed-request client."""

    def __init__(self, runtime: Runtime, slack_api: SlackApiStandIn) -> None:
        self.runtime = runtime
        self.slack_api = slack_api
        self.app = build_app(runtime)
        slack = slack_app_of(self.app)
        assert slack is not None
        self.slack: SlackApp = slack
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(
            self.app, log_level="warning", lifespan="off", ws="none", access_log=False
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def start(self) -> RunningApp:
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)
        return self

    def stop(self) -> None:
        self.http.close()
        self._server.should_exit = True
        self._server.force_exit = True
        self._thread.join(timeout=10)
        self.slack.close()
        self._sock.close()

    # -- requests ----------------------------------------------------------------------
    def send(
        self,
        body: bytes,
        content_type: str,
        *,
        timestamp: str | None = None,
        signature: str | None = None,
        signed: bool = True,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        stamp = timestamp or str(int(time.time()))
        sent = {"Content-Type": content_type, **(headers or {})}
        if signed:
            sent["X-Slack-Request-Timestamp"] = stamp
            sent["X-Slack-Signature"] = signature or sign(body, stamp)
        return self.http.post("/slack/events", content=body, headers=sent)

    def event(self, envelope: dict[str, Any], *, retry_num: int | None = None) -> httpx.Response:
        headers = {}
        if retry_num is not None:
            headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        body = json.dumps(envelope).encode()
        response = self.send(body, "application/json", headers=headers)
        self.drain()
        return response

    def command(self, text: str, user_id: str = "U01LEAD", **fields: str) -> httpx.Response:
        form = payload("command_credit") | {
            "text": text,
            "user_id": user_id,
            "response_url": self.slack_api.response_url(f"cmd-{user_id}"),
        }
        form.update(fields)
        response = self.send(urlencode(form).encode(), "application/x-www-form-urlencoded")
        self.drain()
        return response

    def action(self, body: dict[str, Any], *, drain: bool = True) -> httpx.Response:
        form = urlencode({"payload": json.dumps(body)}).encode()
        response = self.send(form, "application/x-www-form-urlencoded")
        if drain:
            self.drain()
        return response

    def drain(self) -> None:
        assert self.slack.drain(timeout=30), "background work did not finish"


@pytest.fixture
def app(slack_runtime: Runtime, slack_api: SlackApiStandIn) -> Iterator[RunningApp]:
    running = RunningApp(slack_runtime, slack_api).start()
    yield running
    running.stop()


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
