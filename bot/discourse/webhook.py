"""``POST /discourse/webhook``: verify, record, answer, then process.

Discourse signs the raw body: ``X-Discourse-Event-Signature: sha256=<hex HMAC-SHA256
of the body with the webhook's secret>``. The signature is checked over the bytes as
received, before anything is parsed; a missing or wrong one is refused with 401 and
nothing is stored. A verified event is recorded in the inbox under its natural key
and answered at once; its processing (which may need the forum API) runs after the
answer, and if the forum cannot be reached the entry waits for the retry job.
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import json
import logging
import threading
from collections.abc import Mapping
from concurrent.futures import Executor
from dataclasses import dataclass, field
from typing import Any

from starlette.background import BackgroundTask
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.discourse.events import HANDLED, PayloadError, ignored_reason, parse_event
from bot.discourse.gateway import PydiscourseGateway, make_discourse_gateway
from bot.discourse.handlers import process_entry, record_event
from bot.errors import MissingSetting
from bot.payloads import holds_nul
from bot.runtime import Runtime
from scoring.bounds import check_moment
from scoring.errors import OutOfRange

log = logging.getLogger("creditbot.discourse")

PATH = "/discourse/webhook"
SIGNATURE_HEADER = "x-discourse-event-signature"
# A 429 longer than this is left to the retry job rather than waited for in the app.
WEBHOOK_MAX_WAIT = 5.0


@dataclass(frozen=True)
class Reply:
    status: int
    body: dict[str, Any]
    entry_id: int | None = None


def sign(secret: str, body: bytes) -> str:
    """The ``X-Discourse-Event-Signature`` value Discourse sends for ``body``."""
    return "sha256=" + hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def signature_matches(secret: str, body: bytes, header: str | None) -> bool:
    """Constant-time comparison of the received signature with the expected one."""
    if not header:
        return False
    return hmac.compare_digest(
        sign(secret, body).encode("ascii"), header.strip().encode("utf-8", "replace")
    )


def receive_webhook(runtime: Runtime, headers: Mapping[str, str], body: bytes) -> Reply:
    """Everything the route does before answering (framework-free, for the demo too)."""
    lowered = {k.lower(): v for k, v in headers.items()}
    secret = runtime.settings.discourse_webhook_secret
    if secret is None or not secret.get_secret_value():
        log.error("refused a Discourse webhook: DISCOURSE_WEBHOOK_SECRET is not set")
        return Reply(
            503,
            {
                "error": "DISCOURSE_WEBHOOK_SECRET is not set; creditbot cannot verify "
                "Discourse webhooks until it is"
            },
        )
    if not signature_matches(secret.get_secret_value(), body, lowered.get(SIGNATURE_HEADER)):
        return Reply(401, {"error": "missing or invalid X-Discourse-Event-Signature"})
    try:
        data = json.loads(body.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        return Reply(400, {"error": "the body is not JSON"})
    except RecursionError:
        return Reply(400, {"error": "the body is JSON nested too deeply"})
    if not isinstance(data, dict):
        return Reply(400, {"error": "the body is not a JSON object"})
    if holds_nul(data):
        return Reply(400, {"error": "the body holds a NUL character (\\u0000)"})

    event_type = lowered.get("x-discourse-event-type", "").strip()
    name = lowered.get("x-discourse-event", "").strip()
    if event_type == "ping" or name == "ping":
        return Reply(200, {"status": "ok", "ping": "pong"})
    if name not in HANDLED:
        return Reply(200, {"status": "ignored", "reason": f"event {name or event_type!r} not used"})
    payload = data.get(event_type)
    if payload is None and len(data) == 1:
        payload = next(iter(data.values()))
    try:
        event = parse_event(name, payload)
    except PayloadError as error:
        return Reply(400, {"error": f"not a {name} payload: {error}"})
    try:
        check_moment(event.subject.created_at, runtime.now().date(), what="created_at")
    except OutOfRange as error:
        return Reply(400, {"error": f"not a {name} payload: {error}"})
    reason = ignored_reason(event, runtime.config.discourse)
    if reason is not None:
        return Reply(200, {"status": "ignored", "reason": reason})
    with runtime.uow() as uow:
        entry_id = record_event(uow, event, runtime.now())
        uow.commit()
    if entry_id is None:
        return Reply(200, {"status": "duplicate", "key": event.key})
    return Reply(200, {"status": "accepted", "key": event.key}, entry_id)


@dataclass
class WebhookEndpoint:
    """The route's handler; builds the forum gateway once, when first needed."""

    runtime: Runtime
    #: The forum's own threads (:mod:`bot.executors`), to store an event and then to
    #: process it; None: anyio's shared pool.
    pool: Executor | None = None
    work: Executor | None = None
    _gateway: PydiscourseGateway | None = field(default=None, init=False)
    _gateway_built: bool = field(default=False, init=False)
    _lock: threading.Lock = field(default_factory=threading.Lock, init=False)

    def gateway(self) -> PydiscourseGateway | None:
        with self._lock:
            if not self._gateway_built:
                try:
                    self._gateway = make_discourse_gateway(
                        self.runtime.settings,
                        max_wait=WEBHOOK_MAX_WAIT,
                        # On a pool of its own, a thread never sleeps for the rate limit:
                        # over the budget, the entry waits for the retry job instead.
                        never_wait=self.pool is not None,
                    )
                except MissingSetting as missing:
                    log.warning("Discourse events will wait for the forum API: %s", missing)
                    self._gateway = None
                self._gateway_built = True
            return self._gateway

    def process(self, entry_id: int) -> None:
        """After the answer: process the entry; whatever happens, it stays in the inbox."""
        try:
            process_entry(self.runtime, self.gateway(), entry_id)
        except Exception:  # the retry job takes it from here once the lease ends
            log.exception("processing Discourse inbox entry %s failed", entry_id)

    async def handle(self, request: Request) -> JSONResponse:
        body = await request.body()
        if self.pool is None:
            reply = await run_in_threadpool(receive_webhook, self.runtime, request.headers, body)
            task = None if reply.entry_id is None else BackgroundTask(self.process, reply.entry_id)
            return JSONResponse(reply.body, status_code=reply.status, background=task)
        loop = asyncio.get_running_loop()
        headers = dict(request.headers)
        reply = await loop.run_in_executor(self.pool, receive_webhook, self.runtime, headers, body)
        if reply.entry_id is not None:  # after the answer, on threads of its own
            (self.work or self.pool).submit(self.process, reply.entry_id)
        return JSONResponse(reply.body, status_code=reply.status)


def discourse_routes(
    runtime: Runtime, pool: Executor | None = None, work: Executor | None = None
) -> list[BaseRoute]:
    """The Discourse routes of the HTTP app (storing on ``pool``, processing on ``work``)."""
    return [Route(PATH, WebhookEndpoint(runtime, pool, work).handle, methods=["POST"])]
