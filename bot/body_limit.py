"""A limit on the size of request bodies, enforced before anyone reads them whole.

The signature checks of ``/slack/events`` and ``/discourse/webhook`` need the whole
body, so without a limit an unsigned 200 MB POST would be read into memory before its
401. This ASGI middleware refuses a body over the limit with 413: at once when its
``Content-Length`` says so, or as soon as the bytes streamed so far pass the limit (a
chunked body has no length). Slack's and Discourse's payloads are far smaller than the
default of 1 MB (``HTTP_MAX_BODY_BYTES``).
"""

from __future__ import annotations

from collections.abc import Collection

from starlette.types import ASGIApp, Message, Receive, Scope, Send

DEFAULT_MAX_BODY_BYTES = 1_000_000


class BodyTooLarge(Exception):
    """Raised from ``receive`` when a streamed body passes the limit."""


class BodyLimit:
    """Refuse bodies over ``max_bytes`` on ``paths`` with 413, before they are read."""

    def __init__(self, app: ASGIApp, max_bytes: int, paths: Collection[str]) -> None:
        self.app = app
        self.max_bytes = max_bytes
        self.paths = frozenset(paths)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope.get("path") not in self.paths:
            await self.app(scope, receive, send)
            return
        if _declared_length(scope) > self.max_bytes:
            await _refuse(send, self.max_bytes)
            return
        seen = 0
        started = False

        async def counting_receive() -> Message:
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_bytes:
                    raise BodyTooLarge
            return message

        async def watching_send(message: Message) -> None:
            nonlocal started
            started = started or message["type"] == "http.response.start"
            await send(message)

        try:
            await self.app(scope, counting_receive, watching_send)
        except BodyTooLarge:
            if not started:
                await _refuse(send, self.max_bytes)


def _declared_length(scope: Scope) -> int:
    """The ``Content-Length`` as a number (0 when absent; huge when it is not a number,
    so that nonsense is refused rather than trusted)."""
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            text = value.strip()
            if not text.isdigit() or len(text) > 18:
                return 2**63
            return int(text)
    return 0


async def _refuse(send: Send, max_bytes: int) -> None:
    body = f"request body too large; the limit is {max_bytes} bytes".encode()
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(body)).encode()),
                (b"connection", b"close"),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})
