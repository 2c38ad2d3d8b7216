"""``POST /slack/events``: events, slash commands and interactivity, on one URL.

Before Bolt sees anything, the request is checked here over its raw bytes:

- the signature (``X-Slack-Signature``: ``v0=`` + HMAC-SHA256 of
  ``v0:<X-Slack-Request-Timestamp>:<body>`` with the signing secret): missing, wrong or
  older than 5 minutes -> 401, nothing done;
- the body: it must be UTF-8 and either a JSON object or a form (with a JSON
  ``payload`` for interactivity) -> else 400, never a 500 (Bolt's own adapter would
  decode it first and fail).

Then Bolt dispatches it in a worker thread and answers as soon as the listener acks.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import logging
import time
from collections.abc import Callable
from typing import Any
from urllib.parse import parse_qs

from slack_bolt import BoltRequest
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, PlainTextResponse, Response
from starlette.routing import BaseRoute, Route

from bot.errors import MissingSetting
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
    if not (timestamp.isascii() and timestamp.isdigit()):
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
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return None
    try:
        if content_type.startswith("application/json") or text.lstrip().startswith("{"):
            data = json.loads(text)
            return data if isinstance(data, dict) and "type" in data else None
        form = parse_qs(text, keep_blank_values=True, strict_parsing=True, errors="strict")
    except (ValueError, UnicodeDecodeError):
        return None
    fields = {key: values[0] for key, values in form.items()}
    if "payload" in fields:
        try:
            payload = json.loads(fields["payload"])
        except ValueError:
            return None
        return payload if isinstance(payload, dict) and "type" in payload else None
    return fields if "command" in fields or "ssl_check" in fields else None


class SlackEndpoint:
    """The ``/slack/events`` handler of one runtime (``slack`` is None when not configured)."""

    def __init__(self, runtime: Runtime, clock: Callable[[], float] = time.time) -> None:
        self._clock = clock
        self.problem: str | None = None
        self.slack: SlackApp | None = None
        try:
            self._secret = runtime.settings.secret("SLACK_SIGNING_SECRET", "Slack requests")
            self.slack = SlackApp(runtime)
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
        if parse_body(raw, headers.get("content-type", "")) is None:
            return PlainTextResponse("not a Slack request body", status_code=400)
        bolt_request = BoltRequest(
            body=raw.decode("utf-8"),
            query=str(request.url.query),
            headers={key: [value] for key, value in headers.items()},
        )
        answer = await run_in_threadpool(self.slack.bolt.dispatch, bolt_request)
        return Response(
            status_code=answer.status,
            content=answer.body,
            headers=answer.first_headers_without_set_cookie(),
        )


def slack_routes(runtime: Runtime) -> list[BaseRoute]:
    """The Slack routes of the HTTP app."""
    endpoint = SlackEndpoint(runtime)
    return [Route(PATH, endpoint.handle, methods=["POST"], name="slack_events")]


def slack_app_of(app: Any) -> SlackApp | None:
    """The :class:`SlackApp` serving ``/slack/events`` in a Starlette app (tests, serve)."""
    for route in getattr(app, "routes", []):
        if isinstance(route, Route) and route.path == PATH:
            endpoint = getattr(route.endpoint, "__self__", None)
            if isinstance(endpoint, SlackEndpoint):
                return endpoint.slack
    return None
