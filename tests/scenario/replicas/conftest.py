"""Real ``creditbot serve`` processes sharing one PostgreSQL database, and a gate per replica.

Each replica talks to the Slack stand-in through a :class:`Gate` of its own: a loopback
proxy that forwards every call, except that

- once armed, it holds the calls a test picks (e.g. the shout-out's post) and never
  passes them on: a replica killed while its call is held has sent nothing, the call
  never reached "Slack";
- once paused, it keeps the calls a test picks waiting until ``resume()``, then passes
  them on (a starting line for several replicas).
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

from tests.scenario.slack.conftest import BOT_TOKEN, SIGNING_SECRET, sign
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.loopback import serve_on_loopback
from tests.standins.slack_api import SlackApiStandIn

#: How long a test waits for something that should happen in a second or two.
PATIENCE = 90.0


def wait_for(what: str, condition: Callable[[], bool], patience: float = PATIENCE) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.05)


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
        params = _params(request.headers.get("Content-Type") or "", body)
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
        upstream = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(upstream.hostname, upstream.port, timeout=30)
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        try:
            connection.request(request.command, request.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        request.send_response(answer.status)
        for name, value in answer.getheaders():
            if name.lower() not in ("transfer-encoding", "connection", "content-length"):
                request.send_header(name, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)


def _params(content_type: str, body: bytes) -> dict[str, Any]:
    if not body:
        return {}
    text = body.decode("utf-8", "replace")
    if "json" in content_type:
        loaded = json.loads(text)
        return loaded if isinstance(loaded, dict) else {}
    return {k: v[0] for k, v in parse_qs(text).items()}


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


CREDITBOT = [sys.executable, "-c", "from bot.cli import run; run()"]


def _die_with_the_tests() -> None:  # pragma: no cover - runs in the child
    """A replica is killed when the test process dies, however it dies (Linux)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


@dataclass
class Replica:
    """One ``creditbot serve`` process, with its own port, gate and log file."""

    name: str
    gate: Gate
    env: dict[str, str]
    folder: Path
    scheduler: bool
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    def start(self) -> Replica:
        command = [*CREDITBOT, "serve", "--port", str(self.port), "--log-level", "info"]
        if not self.scheduler:
            command.append("--no-scheduler")
        env = {**self.env, "SLACK_API_URL": self.gate.url}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_the_tests if sys.platform == "linux" else None,
            )
        return self

    def ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} stopped: {self.log.read_text(errors='replace')[-3000:]}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def post(self, body: bytes, content_type: str) -> httpx.Response:
        """A request signed as Slack signs it, to this replica's ``/slack/events``."""
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(body, stamp),
        }
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=30)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine dies."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as a deployment stops a replica; its exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return int(self.process.returncode)


@pytest.fixture
def replicas(
    tmp_path: Path, postgres_url: str, slack_api: SlackApiStandIn, forum: StandinDiscourse
) -> Iterator[Callable[[str, bool], Replica]]:
    """Make replicas (``make(name, scheduler)``, not started) on the test's database."""
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "CREDITBOT_CONFIG": str(tmp_path / "creditbot.yml"),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DISCOURSE_URL": forum.url,
        "DISCOURSE_API_KEY": API_KEY,
        "DISCOURSE_API_USERNAME": API_USERNAME,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SLACK_APP_TOKEN", None)
    made: list[Replica] = []

    def make(name: str, scheduler: bool) -> Replica:
        replica = Replica(name, Gate(slack_api.base), env, tmp_path, scheduler)
        made.append(replica)
        return replica

    yield make
    for replica in made:
        if replica.process is not None and replica.process.poll() is None:
            replica.process.kill()
            replica.process.wait(timeout=30)
        replica.gate.stop()
