"""Loopback HTTP proxies in front of a stand-in that break chosen calls the ways a
network does: :class:`Proxy` (hold a call, lose its answer, reset the connection) for the
fault tests, :class:`Gate` (hold, or pause until resumed) for the replica tests. (Just
over 300 lines: the two share their forwarding, at the end.)"""

from __future__ import annotations

import http.client
import json
import socket
import struct
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any
from urllib.parse import parse_qs, urlsplit

from tests.standins.loopback import serve_on_loopback
from tests.support.concurrency import PATIENCE

Matcher = Callable[[str, dict[str, Any]], bool]

FORWARD, HOLD, LOSE_ANSWER, RESET = "forward", "hold", "lose answer", "reset"


@dataclass
class Call:
    """One call through the proxy: ``name`` is the Slack method (``chat.postMessage``) or,
    for other services, ``"<HTTP method> <path>"``; ``status`` is the upstream's answer
    (None when the call was held and never forwarded)."""

    name: str
    params: dict[str, Any]
    fate: str
    status: int | None = None
    answer: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Rule:
    when: Matcher
    fate: str
    times: int
    after: int = 0


class Proxy:
    """A loopback HTTP proxy in front of ``upstream`` (a stand-in's base URL).

    Everything is forwarded, except the calls a rule picks (each rule for its next
    ``times`` matching calls, in the order the rules were given):

    - :meth:`hold`: never forwarded; the caller waits for an answer that never comes
      (until it is killed, or :meth:`release`);
    - :meth:`lose_answer`: forwarded and answered upstream, then the caller waits for
      an answer that never comes, like a process that dies just after the call;
    - :meth:`reset_after`: forwarded and answered upstream, then the connection is reset
      instead of answering (the network dropped the answer).

    ``after=n`` lets the first ``n`` matching calls through before a rule applies.
    """

    def __init__(self, upstream: str) -> None:
        self.upstream = upstream.rstrip("/")
        self.calls: list[Call] = []
        self._rules: list[_Rule] = []
        self._lock = threading.Lock()
        self._released = threading.Event()
        self._server, self._thread = serve_on_loopback(self._handle)

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}"

    @property
    def slack_url(self) -> str:
        """What SLACK_API_URL is set to."""
        return f"{self.base}/api/"

    # -- what to break ---------------------------------------------------------------------
    def hold(self, when: Matcher, times: int = 1, after: int = 0) -> None:
        self._add(_Rule(when, HOLD, times, after))

    def lose_answer(self, when: Matcher, times: int = 1, after: int = 0) -> None:
        self._add(_Rule(when, LOSE_ANSWER, times, after))

    def reset_after(self, when: Matcher, times: int = 1, after: int = 0) -> None:
        self._add(_Rule(when, RESET, times, after))

    def _add(self, rule: _Rule) -> None:
        with self._lock:
            self._rules.append(rule)

    def release(self) -> None:
        """Let the waiting calls go (their connections are closed unanswered)."""
        self._released.set()

    def stop(self) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()

    # -- what happened ---------------------------------------------------------------------
    def seen(self, name: str | None = None, fate: str | None = None) -> list[Call]:
        with self._lock:
            return [
                c
                for c in self.calls
                if (name is None or c.name == name) and (fate is None or c.fate == fate)
            ]

    def accepted(self, name: str) -> list[Call]:
        """The calls of ``name`` the upstream accepted (2xx, and ``ok`` for Slack)."""
        return [
            c
            for c in self.seen(name)
            if c.status is not None and 200 <= c.status < 300 and c.answer.get("ok", True)
        ]

    # -- serving -------------------------------------------------------------------------
    def _fate(self, name: str, params: dict[str, Any]) -> str:
        for rule in self._rules:
            if rule.times > 0 and rule.when(name, params):
                if rule.after > 0:
                    rule.after -= 1
                    continue
                rule.times -= 1
                return rule.fate
        return FORWARD

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        parts = urlsplit(request.path)
        if parts.path.startswith("/api/"):
            name = parts.path.removeprefix("/api/")
        else:
            name = f"{request.command} {parts.path}"
        params = {k: v[0] for k, v in parse_qs(parts.query).items()}
        params.update(_body_params(request.headers.get("Content-Type") or "", body))
        with self._lock:
            fate = self._fate(name, params)
            call = Call(name, params, fate)
            self.calls.append(call)
        if fate == HOLD:
            self._hang(request)
            return
        answer = _forward(request, self.upstream, body)
        with self._lock:
            call.status = answer.status
            try:
                loaded = json.loads(answer.data) if answer.data else {}
                call.answer = loaded if isinstance(loaded, dict) else {}
            except ValueError:
                call.answer = {}
        if fate == LOSE_ANSWER:
            self._hang(request)
            return
        if fate == RESET:
            # RST instead of an answer: SO_LINGER with a zero timeout, then close.
            request.connection.setsockopt(
                socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0)
            )
            request.connection.close()
            request.close_connection = True
            return
        _send(request, answer)

    def _hang(self, request: BaseHTTPRequestHandler) -> None:
        self._released.wait(timeout=PATIENCE)
        request.close_connection = True


def _body_params(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        try:
            loaded = json.loads(text)
        except ValueError:
            return {}
        return loaded if isinstance(loaded, dict) else {}
    return {k: v[0] for k, v in parse_qs(text).items()}


# -- a gate per replica --------------------------------------------------------------------
@dataclass
class Held:
    """A call the gate holds: which method, with which parameters."""

    method: str
    params: dict[str, Any]


@dataclass
class Gate:
    """A proxy in front of the Slack stand-in for one replica."""

    upstream: str
    forwarded: list[Held] = field(default_factory=list)
    held: list[Held] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        self._hold: Callable[[str, dict[str, Any]], bool] | None = None
        self._release = threading.Event()
        self._pause: Callable[[str, dict[str, Any]], bool] | None = None
        self._paused: list[Held] = []
        self._resume = threading.Event()
        self._server, self._thread = serve_on_loopback(self._handle)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/api/"

    def arm(self, hold: Callable[[str, dict[str, Any]], bool]) -> None:
        """Hold (never forward) the calls for which ``hold(method, params)`` is true."""
        with self._lock:
            self._hold = hold

    def disarm(self) -> None:
        """Forward everything again; held calls are dropped, never forwarded."""
        with self._lock:
            self._hold = None
        self._release.set()

    def pause(self, wait: Callable[[str, dict[str, Any]], bool]) -> None:
        """Keep the calls for which ``wait(method, params)`` is true until :meth:`resume`."""
        with self._lock:
            self._pause = wait

    def paused(self) -> list[Held]:
        with self._lock:
            return list(self._paused)

    def resume(self) -> None:
        """Pass the waiting calls on, and let every later call through."""
        with self._lock:
            self._pause = None
        self._resume.set()

    def holding(self) -> list[Held]:
        with self._lock:
            return list(self.held)

    def stop(self) -> None:
        self._release.set()
        self._resume.set()
        self._server.shutdown()
        self._server.server_close()

    def _handle(self, request: BaseHTTPRequestHandler) -> None:
        length = int(request.headers.get("Content-Length") or 0)
        body = request.rfile.read(length) if length else b""
        method = urlsplit(request.path).path.removeprefix("/api/")
        params = _body_params(request.headers.get("Content-Type") or "", body)
        call = Held(method, params)
        with self._lock:
            wait = self._pause is not None and self._pause(method, params)
            if wait:
                self._paused.append(call)
        if wait:
            self._resume.wait(timeout=PATIENCE)
        with self._lock:
            hold = self._hold is not None and self._hold(method, params)
            (self.held if hold else self.forwarded).append(call)
        if hold:
            # The replica waits for an answer that never comes (until it is killed).
            self._release.wait(timeout=PATIENCE)
            request.close_connection = True
            return
        _send(request, _forward(request, self.upstream, body))


# -- forwarding ----------------------------------------------------------------------------
@dataclass(frozen=True)
class _Answer:
    status: int
    headers: list[tuple[str, str]]
    data: bytes


def _forward(request: BaseHTTPRequestHandler, upstream: str, body: bytes) -> _Answer:
    """Pass ``request`` (its ``body`` already read) on to ``upstream``; its answer."""
    target = urlsplit(upstream)
    connection = http.client.HTTPConnection(target.hostname or "127.0.0.1", target.port, timeout=30)
    headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
    try:
        connection.request(request.command, request.path, body=body, headers=headers)
        answer = connection.getresponse()
        return _Answer(answer.status, answer.getheaders(), answer.read())
    finally:
        connection.close()


def _send(request: BaseHTTPRequestHandler, answer: _Answer) -> None:
    """Answer ``request`` with what the upstream answered."""
    request.send_response(answer.status)
    for name, value in answer.headers:
        if name.lower() not in ("transfer-encoding", "connection", "content-length"):
            request.send_header(name, value)
    request.send_header("Content-Length", str(len(answer.data)))
    request.end_headers()
    request.wfile.write(answer.data)
