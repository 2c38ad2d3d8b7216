"""What the fault suite shares: the running app wired to both stand-ins, a proxy that
breaks chosen calls the ways a network does, the ``creditbot`` CLI as real processes,
and patient waiting.

Generic on purpose: each test module sets its own configuration (``config_data``) and
sizes. The fixtures of the bad-input and security tests live in ``input_support.py``.

- ``slack_api`` / ``forum``: the loopback stand-ins for the Slack Web API and Discourse;
- ``live_runtime``: the test runtime (its database, config and fixed clock) with Slack
  and the forum configured, pointing at the stand-ins;
- ``live_app``: that runtime served by uvicorn in a thread (``RunningApp`` of the Slack
  scenario tests), ``/slack/events`` and ``/discourse/webhook`` both;
- :class:`Proxy`: a loopback proxy in front of a stand-in that can hold a call (never
  forwarded), lose an answer (forwarded, accepted, then no answer comes back) or reset
  the connection after the stand-in accepted the call;
- ``creditbot``: :class:`Creditbot`, the CLI (``creditbot import``, ``jobs run``,
  ``serve``...) as subprocesses on this test's database and configuration.
"""

from __future__ import annotations

import http.client
import json
import os
import signal
import socket
import sqlite3
import struct
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, TypeVar
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest
import yaml
from pydantic import SecretStr

from bot.config import Settings, parse_config
from bot.outbox.worker import deliver_due
from bot.ports import DiscourseSender, SlackSender
from bot.runtime import Runtime
from storage.engine import make_engine
from storage.migrate import upgrade
from storage.repositories.outbox import OutboxMessage
from tests.conftest import FixedClock, database_url
from tests.scenario.discourse.conftest import WEBHOOK_SECRET
from tests.scenario.slack.conftest import BOT_TOKEN, SIGNING_SECRET, RunningApp
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.loopback import serve_on_loopback
from tests.standins.slack_api import SlackApiStandIn

#: How long a test waits for something that should happen within a second or two.
PATIENCE = 90.0

T = TypeVar("T")


def wait_for(what: str, condition: Callable[[], bool], patience: float = PATIENCE) -> None:
    """Poll ``condition`` until it holds; fail naming ``what`` if it never does."""
    deadline = time.monotonic() + patience
    while not condition():
        if time.monotonic() > deadline:
            pytest.fail(f"gave up waiting for {what}")
        time.sleep(0.02)


def all_at_once(calls: Sequence[Callable[[], T]]) -> list[T]:
    """Make the calls from threads released together by a barrier; their results."""
    start = threading.Barrier(len(calls))
    results: list[Any] = [None] * len(calls)
    errors: list[BaseException] = []

    def run(i: int) -> None:
        try:
            start.wait(timeout=PATIENCE)
            results[i] = calls[i]()
        except BaseException as error:  # surfaced in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(calls))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=PATIENCE)
    if errors:
        raise errors[0]
    return results


def run_outbox_worker(
    runtime: Runtime,
    slack: SlackSender | None,
    discourse: DiscourseSender | None = None,
    rounds: int = 20,
) -> None:
    """What the outbox worker of ``creditbot serve`` does every few seconds, until nothing
    more is due now (a message a busy moment left waiting behind another goes out here)."""
    for _ in range(rounds):
        result = deliver_due(runtime, slack, discourse, runtime.now())
        if result.nothing_done and not result.released:
            return
    pytest.fail(f"the outbox still had work after {rounds} rounds")


def sqlite_runtime(tmp_path: Path, config_data: dict[str, Any], clock: FixedClock) -> Runtime:
    """What the ``runtime`` fixture gives, on a SQLite file only: for a module's own
    ``runtime`` fixture when its tests are about SQLite itself, or too slow to repeat on
    PostgreSQL for what they would add (the module says which)."""
    url = f"sqlite:///{tmp_path / 'creditbot.db'}"
    config = parse_config(config_data, "test config")
    settings = Settings(database_url=url, creditbot_config=str(tmp_path / "creditbot.yml"))
    runtime = Runtime(settings, config, make_engine(url), clock)
    upgrade(runtime.engine)
    runtime.sync_organisations()
    return runtime


def arrivals(message: OutboxMessage, slack_api: SlackApiStandIn) -> int:
    """How many times a Slack outbox message reached the Slack stand-in."""
    text = message.payload["text"]
    if message.kind == "update":
        return sum(
            1
            for call in slack_api.calls_to("chat.update")
            if (call.get("channel"), call.get("ts"), call.get("text"))
            == (message.target, message.payload["ts"], text)
        )
    channel = message.target if message.kind == "post" else "D" + message.target[1:]
    return sum(
        1
        for call in slack_api.calls_to("chat.postMessage")
        if call.get("channel") == channel and call.get("text") == text
    )


# -- the stand-ins and the running app ----------------------------------------------------
def wired(runtime: Runtime, slack_url: str, forum_url: str) -> Runtime:
    """``runtime`` (same database, config, clock) with Slack and the forum at these URLs."""
    settings = runtime.settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": slack_url,
            "discourse_url": forum_url,
            "discourse_api_key": SecretStr(API_KEY),
            "discourse_api_username": API_USERNAME,
            "discourse_webhook_secret": SecretStr(WEBHOOK_SECRET),
        }
    )
    return Runtime(settings, runtime.config, runtime.engine, runtime.clock)


@pytest.fixture
def live_runtime(runtime: Runtime, slack_api: SlackApiStandIn, forum: StandinDiscourse) -> Runtime:
    return wired(runtime, slack_api.url, forum.url)


@pytest.fixture
def live_app(live_runtime: Runtime, slack_api: SlackApiStandIn) -> Iterator[RunningApp]:
    running = RunningApp(live_runtime, slack_api)
    running.start()
    yield running
    running.stop()


# -- a proxy that breaks calls -------------------------------------------------------------
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
        upstream = urlsplit(self.upstream)
        connection = http.client.HTTPConnection(
            upstream.hostname or "127.0.0.1", upstream.port, timeout=30
        )
        headers = {k: v for k, v in request.headers.items() if k.lower() != "host"}
        try:
            connection.request(request.command, request.path, body=body, headers=headers)
            answer = connection.getresponse()
            data = answer.read()
        finally:
            connection.close()
        with self._lock:
            call.status = answer.status
            try:
                loaded = json.loads(data) if data else {}
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
        request.send_response(answer.status)
        for name_, value in answer.getheaders():
            if name_.lower() not in ("transfer-encoding", "connection", "content-length"):
                request.send_header(name_, value)
        request.send_header("Content-Length", str(len(data)))
        request.end_headers()
        request.wfile.write(data)

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


@pytest.fixture
def make_proxy() -> Iterator[Callable[[str], Proxy]]:
    """``make_proxy(upstream_base)``: a proxy, stopped at the end of the test."""
    made: list[Proxy] = []

    def make(upstream: str) -> Proxy:
        proxy = Proxy(upstream)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.stop()


# -- SQLite, watched from outside --------------------------------------------------------
def sqlite_statement(database: Path, statement: str) -> tuple[Any, ...]:
    """One statement on a connection of its own, outside any transaction; its first row."""
    connection = sqlite3.connect(database, isolation_level=None)
    try:
        return tuple(connection.execute(statement).fetchone())
    finally:
        connection.close()


def sqlite_write_locked(database: Path) -> bool:
    """Whether another connection holds the write lock (we cannot take it right now)."""
    probe = sqlite3.connect(database, timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError as error:
        if "locked" not in str(error):
            raise
        return True
    finally:
        probe.close()


def sqlite_writing(database: Path, spilled: int) -> bool:
    """Whether a connection is inside a large write transaction: it holds the write lock,
    and more than ``spilled`` bytes of pages it has not committed yet have spilled into
    the WAL file (after a ``wal_checkpoint(TRUNCATE)`` emptied it)."""
    wal = database.with_name(database.name + "-wal")
    return wal.exists() and wal.stat().st_size > spilled and sqlite_write_locked(database)


# -- the CLI as real processes -------------------------------------------------------------
PYTHON_CREDITBOT = [sys.executable, "-c", "from bot.cli import run; run()"]


def _die_with_the_tests() -> None:  # pragma: no cover - runs in the child
    """A child is killed when the test process dies, however it dies (Linux)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """One ``creditbot`` process, its output going to a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def ready(self) -> bool:
        """For ``serve``: whether it answers ``/healthz`` (fails the test if it stopped)."""
        if not self.alive():
            pytest.fail(f"{self.name} stopped: {self.output()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> int:
        """SIGKILL: no clean-up of any kind, as when a machine dies; the exit code."""
        self.popen.send_signal(signal.SIGKILL)
        return self.popen.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as a deployment stops a process; its exit code."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=45)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        return int(self.popen.returncode)

    def wait(self, timeout: float = PATIENCE) -> int:
        return self.popen.wait(timeout=timeout)


class Creditbot:
    """``creditbot ARGS`` as subprocesses on this test's database and configuration."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.processes: list[Process] = []
        self._names: dict[str, int] = {}

    def point_at(self, *, slack: str | None = None, forum: str | None = None) -> None:
        """Where Slack's Web API (``SLACK_API_URL``) and the forum (``DISCOURSE_URL``) are."""
        if slack is not None:
            self.env["SLACK_API_URL"] = slack
        if forum is not None:
            self.env["DISCOURSE_URL"] = forum

    def run(self, *args: str, timeout: float = PATIENCE) -> subprocess.CompletedProcess[str]:
        """Run to the end; its exit code and output."""
        return subprocess.run(
            [*PYTHON_CREDITBOT, *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=_die_with_the_tests if sys.platform == "linux" else None,
        )

    def start(self, *args: str, name: str | None = None, port: int | None = None) -> Process:
        """Start it in the background (its output in ``<name>.log``)."""
        base = name or args[0]
        self._names[base] = self._names.get(base, 0) + 1
        log = self.folder / f"{base}-{self._names[base]}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [*PYTHON_CREDITBOT, *args],
                env=self.env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=_die_with_the_tests if sys.platform == "linux" else None,
            )
        process = Process(base, popen, log, port)
        self.processes.append(process)
        return process

    def serve(self, *, scheduler: bool = False) -> Process:
        """``creditbot serve`` on a free port, once it answers ``/healthz``."""
        port = free_port()
        args = ["serve", "--port", str(port), "--log-level", "info"]
        if not scheduler:
            args.append("--no-scheduler")
        process = self.start(*args, name="serve", port=port)
        wait_for("creditbot serve to answer", process.ready)
        return process

    def close(self) -> None:
        for process in self.processes:
            if process.alive():
                process.popen.kill()
                process.popen.wait(timeout=30)


@pytest.fixture
def creditbot(tmp_path: Path, runtime: Runtime, config_data: dict[str, Any]) -> Iterator[Creditbot]:
    """The CLI on this test's (migrated) database, with ``config_data`` as its
    ``creditbot.yml`` and fake Slack and forum credentials (point it at the stand-ins or
    proxies with :meth:`Creditbot.point_at`)."""
    config = tmp_path / "creditbot.yml"
    config.write_text(yaml.safe_dump(config_data), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "CREDITBOT_CONFIG": str(config),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DISCOURSE_API_KEY": API_KEY,
        "DISCOURSE_API_USERNAME": API_USERNAME,
        "DISCOURSE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    for unset in ("SLACK_APP_TOKEN", "SLACK_API_URL", "DISCOURSE_URL"):
        env.pop(unset, None)
    bot = Creditbot(tmp_path, env)
    yield bot
    bot.close()
