"""``POST /slack/events``: events, slash commands and interactivity, on one URL.

Before Bolt sees anything, the request is checked here over its raw bytes:

- the signature (``X-Slack-Signature``: ``v0=`` + HMAC-SHA256 of
  ``v0:<X-Slack-Request-Timestamp>:<body>`` with the signing secret): missing, wrong or
  older than 5 minutes -> 401, nothing done;
- the body: it must be UTF-8 and either a JSON object or a form (with a JSON
  ``payload`` for interactivity) -> else 400, never a 500 (Bolt's own adapter would
  decode it first and fail).

Then an event the inbox keeps (a message, a reaction, a join) is recorded there and
acked, and handled after the ack (see :mod:`bot.slack.app`); anything else goes to
Bolt, which dispatches it in a worker thread and answers as soon as the listener acks.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import re
import time
from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import BoltRequest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.errors import MissingSetting
from bot.payloads import holds_nul
from bot.runtime import Runtime
from bot.slack.app import SlackApp

log = logging.getLogger("creditbot.slack.http")

PATH = "/slack/events"
MAX_AGE_SECONDS = 5 * 60


def signature_problem(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, now: float
) -> str | None:
    """Why a request's Slack signature is not acceptable, or None if it is."""
    if not timestamp or not signature:
        return "missing signature"
    # 12 digits reach the year 33658: a longer "number" is nonsense, not worth converting
    if not (timestamp.isascii() and timestamp.isdigit()) or len(timestamp) > 12:
        return "bad timestamp"
    if abs(now - int(timestamp)) > MAX_AGE_SECONDS:
        return "stale timestamp"
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    expected = "v0=" + hmac.new(secret.encode("utf-8"), base, hashlib.sha256).hexdigest()
    if not hmac.compare_digest(expected.encode("ascii"), signature.encode("utf-8", "replace")):
        return "wrong signature"
    return None


def parse_body(body: bytes, content_type: str) -> dict[str, Any] | None:
    """The request as Bolt will read it, or None when it is not a Slack request body."""
    parsed = _parse_body(body, content_type)
    return None if parsed is None or holds_nul(parsed) else parsed


def _parse_body(body: bytes, content_type: str) -> dict[str, Any] | None:
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        if content_type.startswith("application/json") or text.lstrip().startswith("{"):
            data = json.loads(text)
            return (
                data if isinstance(data, dict) and "type" in data and _well_formed(data) else None
            )
        form = parse_qs(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError, RecursionError):  # RecursionError: too deep
        return None
    fields = {key: values[0] for key, values in form.items()}
    if "payload" in fields:
        try:
            payload = json.loads(fields["payload"])
        except (ValueError, RecursionError):
            return None
        if not (isinstance(payload, dict) and "type" in payload and _well_formed(payload)):
            return None
        return payload
    return fields if "command" in fields or "ssl_check" in fields else None


# What Bolt reads before any listener runs (to route the request and build its context),
# with the types Slack always gives it; anything else would make Bolt itself fail (a 500).
_TEXT_FIELDS = (
    "type",
    "subtype",
    "command",
    "callback_id",
    "action_id",
    "event_id",
    "trigger_id",
    "response_url",
    "text",
    "ts",
    "thread_ts",
    "event_ts",
    "message_ts",
    "reaction",
    "item_user",
    "bot_id",
    "channel_type",
    "channel_id",
    "user_id",
    "team_id",
)
_TIMESTAMPS = ("ts", "thread_ts", "event_ts", "message_ts")  # "1793521800.000300"
_SLACK_TS = re.compile(r"[0-9]{1,12}(?:\.[0-9]{1,9})?")
_ID_OR_OBJECT = ("enterprise", "team", "user", "channel")
_OBJECTS = ("event", "view", "container", "message", "previous_message", "item", "state")
# The kinds of JSON bodies and interactive payloads an app like this one receives (the
# legacy ones, dialogs, attachment buttons and workflow steps, are not used).
_KINDS = (
    "url_verification",
    "event_callback",
    "app_rate_limited",
    "block_actions",
    "block_suggestion",
    "view_submission",
    "view_closed",
    "shortcut",
    "message_action",
)
_INTERACTIVE = _KINDS[3:]


def _well_formed(data: dict[str, Any], depth: int = 0) -> bool:
    """Whether a parsed Slack body has the shape Slack gives every request it sends."""
    for key in _TEXT_FIELDS:
        if data.get(key) is not None and not isinstance(data[key], str):
            return False
    for key in _TIMESTAMPS:
        if data.get(key) is not None and not _SLACK_TS.fullmatch(data[key]):
            return False
    for key in _ID_OR_OBJECT:
        if data.get(key) is not None and not isinstance(data[key], str | dict):
            return False
    for key in _OBJECTS:
        if key in data and not isinstance(data[key], dict):
            return False
        if depth < 2 and isinstance(data.get(key), dict) and not _well_formed(data[key], depth + 1):
            return False
    # a form's response_urls (Bolt reads the first; two or more make it fail)
    urls = data.get("response_urls")
    if urls is not None and not (
        isinstance(urls, list) and len(urls) <= 1 and all(isinstance(u, dict) for u in urls)
    ):
        return False
    authorizations = data.get("authorizations")
    if authorizations is not None and not (
        isinstance(authorizations, list) and all(isinstance(a, dict) for a in authorizations)
    ):
        return False
    return depth > 0 or _well_formed_kind(data)


def _well_formed_kind(data: dict[str, Any]) -> bool:
    kind = data.get("type")
    if kind not in _KINDS:
        return False
    if kind in _INTERACTIVE:
        # who clicked or submitted is always an object with an id; the rest objects too
        user = data.get("user")
        if not (isinstance(user, dict) and isinstance(user.get("id"), str)):
            return False
        if any(not isinstance(data.get(key) or {}, dict) for key in _ID_OR_OBJECT):
            return False
    if kind == "event_callback":
        event = data.get("event")
        return isinstance(event, dict) and isinstance(event.get("type"), str)
    if kind == "block_actions":
        actions = data.get("actions")
        return (
            isinstance(actions, list)
            and bool(actions)
            and all(isinstance(a, dict) and isinstance(a.get("action_id"), str) for a in actions)
        )
    if kind in ("view_submission", "view_closed"):
        view = data.get("view")
        return isinstance(view, dict) and isinstance(view.get("type"), str)
    if kind in ("shortcut", "message_action"):
        return isinstance(data.get("callback_id"), str)
    if kind == "block_suggestion":
        return isinstance(data.get("action_id"), str)
    return True


class SlackEndpoint:
    """The ``/slack/events`` handler of one runtime (``slack`` is None when not configured)."""

    def __init__(
        self,
        runtime: Runtime,
        clock: Callable[[], float] = time.time,
        *,
        slack: SlackApp | None = None,
        pool: Executor | None = None,
    ) -> None:
        self._clock = clock
        #: Where Bolt's dispatch runs: Slack's own threads (see :mod:`bot.executors`).
        self._pool = pool
        self.problem: str | None = None
        self.slack: SlackApp | None = None
        try:
            self._secret = runtime.settings.secret("SLACK_SIGNING_SECRET", "Slack requests")
            self.slack = slack or SlackApp(runtime)
        except MissingSetting as error:
            self.problem = str(error)

    async def handle(self, request: Request) -> Response:
        if self.slack is None:
            return JSONResponse({"error": self.problem}, status_code=503)
        raw = await request.body()
        headers = request.headers
        problem = signature_problem(
            self._secret,
            raw,
            headers.get("x-slack-request-timestamp"),
            headers.get("x-slack-signature"),
            self._clock(),
        )
        if problem is not None:
            log.info("refused a Slack request: %s", problem)
            return PlainTextResponse(problem, status_code=401)
        body = parse_body(raw, headers.get("content-type", ""))
        if body is None:
            return PlainTextResponse("not a Slack request body", status_code=400)
        if self.slack.takes(body):
            # Recorded in the inbox, then acked; handled after the ack (see bot.slack.app).
            try:
                await self.slack.receive(body, raw.decode("utf-8"))
            except Exception as error:  # not stored: Slack sends it again later
                log.warning("could not take a Slack event now: %s", error)
                return PlainTextResponse("busy, try again", status_code=503)
            return Response(status_code=200)
        try:
            bolt_request = BoltRequest(
                body=raw.decode("utf-8"),
                query=str(request.url.query),
                headers={key: [value] for key, value in headers.items()},
            )
        except Exception as error:  # a shape Bolt cannot read that _well_formed let through
            log.warning("refused a Slack request Bolt cannot read: %r", error)
            return PlainTextResponse("not a Slack request body", status_code=400)
        if self._pool is None:
            answer = await run_in_threadpool(self.slack.bolt.dispatch, bolt_request)
        else:
            loop = asyncio.get_running_loop()
            answer = await loop.run_in_executor(self._pool, self.slack.bolt.dispatch, bolt_request)
        return Response(
            status_code=answer.status,
            content=answer.body,
            headers=answer.first_headers_without_set_cookie(),
        )


def slack_routes(
    runtime: Runtime, slack: SlackApp | None = None, pool: Executor | None = None
) -> list[BaseRoute]:
    """The Slack routes of the HTTP app (serving ``slack``, or a Slack app of its own)."""
    endpoint = SlackEndpoint(runtime, slack=slack, pool=pool)
    return [Route(PATH, endpoint.handle, methods=["POST"], name="slack_events")]


def slack_app_of(app: Any) -> SlackApp | None:
    """The :class:`SlackApp` serving ``/slack/events`` in a Starlette app (tests; the
    process itself hands its Slack app in: :mod:`bot.app`)."""
    for route in getattr(app, "routes", []):
        if isinstance(route, Route) and route.path == PATH:
            endpoint = getattr(route.endpoint, "__self__", None)
            if isinstance(endpoint, SlackEndpoint):
                return endpoint.slack
    return None
