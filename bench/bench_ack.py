"""Benchmarks 1 and 4: ack latency of ``/slack/events`` under load, and peak RSS of ``serve``.

    python bench/generate.py            # once: bench/data/large.db
    python bench/bench_ack.py [--data bench/data] [--rate 100] [--duration 60]

In one run, the same open-loop load goes to two servers, one after the other:

- a bare Bolt app that only acks (slack_bolt ``App`` + its Starlette adapter under
  uvicorn, no database), started from this script with ``--bare-app``;
- ``creditbot serve --no-scheduler`` on a copy of ``large.db``, talking to a loopback
  stand-in for the Slack Web API (``tests/standins/slack_api.py``).

The load: signed ``event_callback`` message events in threads (some of them thank-yous
that mention a member), each with a new event id, sent at a fixed rate. Each send is
scheduled on a fixed clock and its latency counts from the scheduled time to the
response, so a slow server cannot slow the load down (open loop). Requests go over a
pool of keep-alive connections. Errors: anything but a 200, and timeouts.

While ``serve`` is under load, its RSS (and its children's) is sampled from
``/proc/<pid>/status``; the peak is printed beside ``VmHWM``.

Targets: p99 <= 50 ms, p99 ratio (creditbot / bare Bolt) <= 1.5, peak RSS <= 250 MB.
Loopback only; every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import random
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
SECRET = "bench-secret"
TOKEN = "xoxb-bench"
TEAM = "T0TEAM"
CHANNELS = [f"C0BENCH{n:02d}" for n in range(20)]
MEMBERS = 10_000
WARM_UP = 50
REQUEST_TIMEOUT = 10.0
START_TIMEOUT = 120.0

REPLIES = [
    "Have you tried clearing the cache and restarting the worker?",
    "Same problem here on the latest release, any news?",
    "It's in the docs under configuration > plugins, see the second example.",
    "I think the migration needs to run before the upgrade, not after.",
    "Which version are you on? The fix landed in 2.4.",
    "Can you paste the full traceback? The last line is cut off.",
]
THANKS = [
    "thanks <@{helper}>, that fixed it!",
    "Thank you <@{helper}>, works now :tada:",
    "that did the trick, thanks a lot <@{helper}>",
]


# -- the bare Bolt app ------------------------------------------------------------------------
def run_bare_app(port: int, slack_api_url: str) -> None:
    """A Bolt app that only acks: the baseline (same adapter stack, no creditbot)."""
    import uvicorn
    from slack_bolt import App
    from slack_bolt.adapter.starlette import SlackRequestHandler
    from slack_sdk import WebClient
    from starlette.applications import Starlette
    from starlette.requests import Request
    from starlette.responses import Response
    from starlette.routing import Route

    # Its one auth.test (at the first request) goes to the same stand-in as creditbot's.
    client = WebClient(token=TOKEN, base_url=slack_api_url)
    bolt = App(client=client, signing_secret=SECRET, token_verification_enabled=False)

    @bolt.event("message")
    def on_message() -> None:
        return None

    handler = SlackRequestHandler(bolt)

    async def events(request: Request) -> Response:
        return await handler.handle(request)

    app = Starlette(routes=[Route("/slack/events", events, methods=["POST"])])
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", lifespan="off")


# -- the Slack Web API stand-in, in its own process ------------------------------------------
def run_standin(database: Path) -> None:
    """The stand-in with the community's Slack users; prints its URL, stops at end of stdin."""
    import sqlite3

    sys.path.insert(0, str(ROOT))
    from tests.standins.slack_api import SlackApiStandIn

    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    rows = db.execute(
        "SELECT s.value, m.name, e.value FROM identity s JOIN member m ON m.id = s.member_id "
        "LEFT JOIN identity e ON e.member_id = s.member_id AND e.kind = 'email' "
        "WHERE s.kind = 'slack'"
    ).fetchall()
    db.close()
    with SlackApiStandIn() as slack:
        for user_id, name, email in rows:
            slack.add_user(user_id, name, email)
        print(slack.url, flush=True)
        sys.stdin.read()  # until the benchmark closes our stdin (or exits)
        print(f"Slack stand-in: {len(slack.calls)} Web API calls", file=sys.stderr, flush=True)


# -- the load ----------------------------------------------------------------------------------
def _event(number: int, rng: random.Random) -> bytes:
    now = time.time()
    channel = rng.choice(CHANNELS)
    author = f"U{rng.randint(1, MEMBERS):08d}"
    thread_ts = f"{int(now) - rng.randint(60, 86_400)}.{rng.randint(0, 999_999):06d}"
    if rng.random() < 0.2:
        text = rng.choice(THANKS).format(helper=f"U{rng.randint(1, MEMBERS):08d}")
    else:
        text = rng.choice(REPLIES)
    ts = f"{now:.6f}"
    body = {
        "token": "bench-verification",
        "team_id": TEAM,
        "api_app_id": "A0BENCH",
        "type": "event_callback",
        "event_id": f"Ev0BENCH{number:010d}{rng.randint(0, 0xFFFF):04X}",
        "event_time": int(now),
        "event": {
            "type": "message",
            "channel": channel,
            "channel_type": "channel",
            "user": author,
            "text": text,
            "ts": ts,
            "thread_ts": thread_ts,
            "event_ts": ts,
            "team": TEAM,
        },
        "authorizations": [
            {"team_id": TEAM, "user_id": "U0BOT", "is_bot": True, "is_enterprise_install": False}
        ],
        "is_ext_shared_channel": False,
    }
    return json.dumps(body, separators=(",", ":")).encode("utf-8")


def _headers(body: bytes) -> dict[str, str]:
    timestamp = str(int(time.time()))
    base = b"v0:" + timestamp.encode("ascii") + b":" + body
    signature = "v0=" + hmac.new(SECRET.encode(), base, hashlib.sha256).hexdigest()
    return {
        "Content-Type": "application/json",
        "X-Slack-Request-Timestamp": timestamp,
        "X-Slack-Signature": signature,
    }


@dataclass
class Result:
    name: str
    latencies: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    sent: int = 0
    late_sends: int = 0
    cpu_seconds: float = 0.0  # of the server, for the load (and, for creditbot, its work)

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1

    def percentile(self, p: float) -> float:
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(p / 100 * len(ordered)) - 1))
        return ordered[index]


async def _load(
    name: str, url: str, rate: float, duration: float, connections: int, seed: int
) -> Result:
    rng = random.Random(seed)
    result = Result(name)
    limits = httpx.Limits(max_connections=connections, max_keepalive_connections=connections)
    timeout = httpx.Timeout(REQUEST_TIMEOUT)
    async with httpx.AsyncClient(limits=limits, timeout=timeout) as client:

        async def send(number: int, scheduled: float, counted: bool) -> None:
            body = _event(number, rng)
            try:
                response = await client.post(url, content=body, headers=_headers(body))
            except httpx.HTTPError as error:
                if counted:
                    result.error(type(error).__name__)
                return
            elapsed = time.perf_counter() - scheduled
            if not counted:
                return
            if response.status_code != 200:
                result.error(f"HTTP {response.status_code}")
            else:
                result.latencies.append(elapsed)

        total = WARM_UP + round(rate * duration)
        loop = asyncio.get_running_loop()
        tasks: list[asyncio.Task[None]] = []
        start = time.perf_counter() + 0.1
        for number in range(total):
            scheduled = start + number / rate
            delay = scheduled - time.perf_counter()
            if delay > 0:
                await asyncio.sleep(delay)
            elif delay < -0.005:
                result.late_sends += 1
            counted = number >= WARM_UP
            result.sent += counted
            tasks.append(loop.create_task(send(number, scheduled, counted)))
        await asyncio.wait_for(asyncio.gather(*tasks, return_exceptions=True), REQUEST_TIMEOUT + 5)
    return result


# -- processes ---------------------------------------------------------------------------------
def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _wait_until_listening(process: subprocess.Popen[bytes], port: int) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"the server exited with {process.returncode} before listening")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return
        except OSError:
            time.sleep(0.1)
    raise SystemExit(f"the server did not listen on {port} within {START_TIMEOUT:.0f} s")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.terminate()
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=5)


def _tree(pid: int) -> list[int]:
    """The process and its descendants (from /proc/<pid>/task/*/children)."""
    found, queue = [], [pid]
    while queue and len(found) < 100:
        current = queue.pop()
        found.append(current)
        for task in Path(f"/proc/{current}/task").glob("*/children"):
            try:
                queue.extend(int(child) for child in task.read_text().split())
            except OSError:
                continue
    return found


def _cpu_seconds(pid: int, *, tree: bool = True) -> float:
    """User + system CPU time of a process tree (or the process alone) so far (from
    /proc/<pid>/stat)."""
    ticks = 0
    for member in _tree(pid) if tree else [pid]:
        try:
            fields = Path(f"/proc/{member}/stat").read_text().rsplit(")", 1)[1].split()
        except (OSError, IndexError):
            continue
        ticks += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15)
    return ticks / os.sysconf("SC_CLK_TCK")


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


class MemorySampler(threading.Thread):
    """Samples the RSS of a process tree every ``interval`` seconds until stopped."""

    def __init__(self, pid: int, interval: float = 0.1) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak_rss_kb = 0
        self.hwm_kb = 0
        self.samples = 0
        self._stopped = threading.Event()

    def run(self) -> None:
        while not self._stopped.wait(self.interval):
            self.sample()

    def sample(self) -> None:
        pids = _tree(self.pid)
        self.peak_rss_kb = max(self.peak_rss_kb, sum(_status_kb(p, "VmRSS") for p in pids))
        self.hwm_kb = max(self.hwm_kb, sum(_status_kb(p, "VmHWM") for p in pids))
        self.samples += 1

    def stop(self) -> None:
        self._stopped.set()
        self.join(timeout=5)
        self.sample()


def _inbox(database: Path) -> dict[str, int]:
    """Inbox entries by status (received events are recorded before the ack, ``done``
    once handled)."""
    import sqlite3

    try:
        db = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=5)
        try:
            rows = db.execute("SELECT status, COUNT(*) FROM inbox GROUP BY status").fetchall()
            return {str(status): int(count) for status, count in rows}
        finally:
            db.close()
    except sqlite3.Error:
        return {}


def _handled(database: Path) -> int:
    return _inbox(database).get("done", -1)


def _wait_for_background(database: Path, expected: int) -> tuple[tuple[int, int], float]:
    """Events handled (inbox rows) at the end of the load, then once all are or 60 s pass."""
    at_end = _handled(database)
    began = time.monotonic()
    count = at_end
    while count < expected and time.monotonic() - began < 60:
        time.sleep(0.5)
        count = _handled(database)
    return (at_end, count), time.monotonic() - began


# -- the run -----------------------------------------------------------------------------------
def _run_bare(args: argparse.Namespace, slack_url: str) -> Result:
    port = _free_port()
    bare = subprocess.Popen([sys.executable, __file__, "--bare-app", str(port), slack_url])
    try:
        _wait_until_listening(bare, port)
        url = f"http://127.0.0.1:{port}/slack/events"
        cpu = _cpu_seconds(bare.pid)
        baseline = asyncio.run(
            _load("bare Bolt", url, args.rate, args.duration, args.connections, seed=1)
        )
        baseline.cpu_seconds = _cpu_seconds(bare.pid) - cpu
    finally:
        _stop(bare)
    _print(baseline)
    return baseline


def _print(result: Result) -> None:
    errors = sum(result.errors.values())
    detail = f" {result.errors}" if result.errors else ""
    print(
        f"{result.name:>10}: sent {result.sent}, answered {len(result.latencies)}, "
        f"p50 {result.percentile(50) * 1000:.1f} ms, p99 {result.percentile(99) * 1000:.1f} ms, "
        f"max {max(result.latencies, default=float('nan')) * 1000:.1f} ms, "
        f"errors {errors}{detail}, sends late by > 5 ms {result.late_sends}",
        flush=True,
    )
    requests = WARM_UP + result.sent
    print(
        f"{'':>10}  server CPU {result.cpu_seconds:.1f} s, "
        f"{result.cpu_seconds / requests * 1000:.2f} ms per request",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description="ack latency and serve memory benchmark")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--rate", type=float, default=100.0, help="requests per second")
    parser.add_argument("--duration", type=float, default=60.0, help="seconds of load each")
    parser.add_argument("--connections", type=int, default=32, help="keep-alive pool size")
    parser.add_argument(
        "--no-bare", action="store_true", help="creditbot only (while profiling it; no ratio)"
    )
    parser.add_argument(
        "--event-workers",
        type=int,
        default=1,
        metavar="N",
        help="run serve with --event-workers N (default 1, as serve; 0: handled in-process)",
    )
    parser.add_argument("--standin", type=Path, metavar="DB", help=argparse.SUPPRESS)
    parser.add_argument("--bare-app", nargs=2, metavar=("PORT", "URL"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.standin:
        run_standin(args.standin)
        return
    if args.bare_app:
        run_bare_app(int(args.bare_app[0]), args.bare_app[1])
        return
    if not 0 < args.rate <= 1000 or not 0 < args.duration <= 3600:
        raise SystemExit("--rate must be in (0, 1000] and --duration in (0, 3600]")
    source = args.data / "large.db"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run bench/generate.py first")

    print(f"{os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.2f} at start", flush=True)
    standin = subprocess.Popen(
        [sys.executable, __file__, "--standin", str(source)],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
    )
    assert standin.stdout is not None and standin.stdin is not None
    slack_url = standin.stdout.readline().decode().strip()
    if not slack_url.startswith("http://127.0.0.1:"):
        _stop(standin)
        raise SystemExit("the Slack stand-in did not start")
    try:
        ours, baseline, sampler, idle_kb = _run(args, source, slack_url)
    finally:
        standin.stdin.close()
        try:
            standin.wait(timeout=10)
        except subprocess.TimeoutExpired:
            _stop(standin)

    if baseline is not None:
        ratio = ours.percentile(99) / baseline.percentile(99)
        print(f"p99 ratio creditbot / bare Bolt: {ratio:.2f} (target <= 1.5)")
    print(f"creditbot p99: {ours.percentile(99) * 1000:.1f} ms (target <= 50 ms)")
    print(
        f"serve RSS: idle {idle_kb / 1024:.0f} MB, peak {sampler.peak_rss_kb / 1024:.0f} MB "
        f"under load (VmHWM {sampler.hwm_kb / 1024:.0f} MB, {sampler.samples} samples; "
        "target <= 250 MB)"
    )
    print(f"load average {os.getloadavg()[0]:.2f} at the end", flush=True)


def _run(
    args: argparse.Namespace, source: Path, slack_url: str
) -> tuple[Result, Result | None, MemorySampler, int]:
    with tempfile.TemporaryDirectory(prefix="bench-ack-") as tmp:
        baseline = None if args.no_bare else _run_bare(args, slack_url)

        # creditbot serve on a copy of the large community.
        database = Path(tmp) / "large.db"
        shutil.copy(source, database)
        wal = source.with_name(source.name + "-wal")
        if wal.exists() and wal.stat().st_size:  # pages not yet checkpointed
            shutil.copy(wal, database.with_name(database.name + "-wal"))
        port = _free_port()
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{database}",
            CREDITBOT_CONFIG=str(args.data / "creditbot.yml"),
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack_url,
        )
        env.pop("SLACK_APP_TOKEN", None)
        creditbot = str(Path(sys.executable).with_name("creditbot"))
        # The copy gets the schema of this checkout (large.db keeps the one it was made with).
        subprocess.run([creditbot, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        command = [creditbot, "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--no-scheduler", "--log-level", "warning"]
        command += ["--event-workers", str(args.event_workers)]
        log_path = Path(tmp) / "serve.log"
        with log_path.open("wb") as log:
            serve = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                _wait_until_listening(serve, port)
                idle_kb = sum(_status_kb(p, "VmRSS") for p in _tree(serve.pid))
                sampler = MemorySampler(serve.pid)
                sampler.start()
                url = f"http://127.0.0.1:{port}/slack/events"
                cpu = _cpu_seconds(serve.pid)
                alone = _cpu_seconds(serve.pid, tree=False)
                ours = asyncio.run(
                    _load("creditbot", url, args.rate, args.duration, args.connections, seed=1)
                )
                alone = _cpu_seconds(serve.pid, tree=False) - alone
                backlog = _wait_for_background(database, WARM_UP + ours.sent)
                ours.cpu_seconds = _cpu_seconds(serve.pid) - cpu
                sampler.stop()
            finally:
                _stop(serve)
        _print(ours)
        print(
            f"{'':>10}  serve alone (without its workers) during the load: CPU {alone:.1f} s, "
            f"{alone / max(ours.sent, 1) * 1000:.2f} ms per request",
            flush=True,
        )
        handled, behind = backlog
        print(
            f"background: {handled[0]} of {WARM_UP + ours.sent} events handled when the load "
            f"ended, {handled[1]} after {behind:.1f} s more (inbox: {_inbox(database)})",
            flush=True,
        )
        tail = log_path.read_text(errors="replace").strip().splitlines()[-5:]
        if tail:
            print("serve log (last lines):", *tail, sep="\n  ")
    return ours, baseline, sampler, idle_kb


if __name__ == "__main__":
    main()
