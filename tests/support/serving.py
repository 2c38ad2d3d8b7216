"""The real app (``build_app``, as ``creditbot serve`` builds it) served by uvicorn in a
thread on a free loopback port, or called in-process through its ASGI interface."""

from __future__ import annotations

import asyncio
import json
import socket
import threading
import time
from typing import Any
from urllib.parse import urlencode

import anyio
import httpx
import uvicorn
from starlette.applications import Starlette

from bot.http import build_app
from bot.runtime import Runtime
from bot.slack.app import SlackApp
from bot.slack.http import slack_app_of
from tests.standins.slack_api import SlackApiStandIn
from tests.support.slack import payload, sign


class _Server(uvicorn.Server):
    """uvicorn, checking for shutdown every 10 ms instead of 100 (tests stop it often)."""

    async def main_loop(self) -> None:
        counter = 0
        should_exit = await self.on_tick(counter)
        while not should_exit:
            counter = (counter + 1) % 864_000
            await asyncio.sleep(0.01)
            should_exit = await self.on_tick(counter)

    async def shutdown(self, sockets: list[socket.socket] | None = None) -> None:
        """A forced stop skips uvicorn's fixed 0.1 s pause for open connections, which a
        forced stop does not wait for anyway (about 40 s of a whole run's teardowns)."""
        if not self.force_exit:
            await super().shutdown(sockets)
            return
        for server in self.servers:
            server.close()
        for sock in sockets or []:
            sock.close()
        for connection in list(self.server_state.connections):
            connection.shutdown()
        for server in self.servers:
            await server.wait_closed()


class ServedApp:
    """An ASGI app served by uvicorn in a thread, on 127.0.0.1 and a free port."""

    def __init__(self, app: Starlette) -> None:
        self._sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
        self._sock.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._sock.getsockname()[1]}"
        config = uvicorn.Config(
            app, log_level="warning", lifespan="off", ws="none", access_log=False
        )
        self._server = _Server(config)
        self._thread = threading.Thread(
            target=self._server.run, kwargs={"sockets": [self._sock]}, daemon=True
        )

    def answer_at_once(self) -> None:
        """Turn Nagle's algorithm off (before :meth:`start`): without it, the body of every
        answer waits for the client's delayed ACK, 40 ms. uvicorn on a socket created by
        hand does not turn it off; Linux passes the option on to accepted connections."""
        self._sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def start(self) -> None:
        """Once uvicorn listens."""
        self._thread.start()
        while not self._server.started:
            if not self._thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.01)

    def stop(self, *, force: bool = False) -> None:
        """``force``: without waiting for open connections and background tasks."""
        self._server.should_exit = True
        self._server.force_exit = force
        self._thread.join(timeout=10)
        self._sock.close()


class RunningApp:
    """The real ASGI app served by uvicorn in a thread, and a signed-request client."""

    def __init__(self, runtime: Runtime, slack_api: SlackApiStandIn) -> None:
        self.runtime = runtime
        self.slack_api = slack_api
        self.app = build_app(runtime)
        slack = slack_app_of(self.app)
        assert slack is not None
        self.slack: SlackApp = slack
        self._served = ServedApp(self.app)
        self.url = self._served.url
        self.http = httpx.Client(base_url=self.url, timeout=10)

    def answer_at_once(self) -> None:
        """See :meth:`ServedApp.answer_at_once` (call before :meth:`start`)."""
        self._served.answer_at_once()

    def start(self) -> RunningApp:
        self._served.start()
        return self

    def stop(self) -> None:
        self.http.close()
        self._served.stop(force=True)
        self.slack.close()

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


class RunningSite:
    """The app in a uvicorn thread on 127.0.0.1 and a free port."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self._served = ServedApp(build_app(runtime))
        self.url = self._served.url

    def start(self) -> RunningSite:
        self._served.start()
        return self

    def stop(self) -> None:
        self._served.stop()


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
