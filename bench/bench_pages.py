"""Benchmark 5: every public page and /api route of ``serve``, against one aggregate.

    python bench/generate.py            # once: bench/data/large.db
    python bench/bench_pages.py [--data bench/data] [--requests 40]

``creditbot serve`` runs on a copy of the large community; each route is requested
whole over HTTP from this process:

- **cold**: the first request after a write (the page version is bumped, so every
  route renders once from the maintained monthly figures);
- **warm p95**: then ``--requests`` more (what a visitor meets until the next write);
- **304 p95**: the same with ``If-None-Match`` (a browser that has the page).

The reference, measured in the same run: one hand-written aggregate of a year's
credits per organisation and month (sqlite3, in this process), p95 of ``--requests``.
Target: every route's warm p95 <= 0.25x the reference. Also printed: the peak RSS of
serve (VmHWM, serve and its children; target <= 250 MB) and how long ``db upgrade``
took to build the monthly figures of a ledger that had none.
"""

from __future__ import annotations

import argparse
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parents[1]))

from bench_ack import _free_port, _status_kb, _stop, _tree, _wait_until_listening

from tests.standins.slack_api import SlackApiStandIn

ROOT = Path(__file__).resolve().parents[1]
YEAR = ("2025-11-01 00:00:00.000000", "2026-11-01 00:00:00.000000")
AGGREGATE = (
    "SELECT organisation, substr(occurred_at, 1, 7), SUM(points), COUNT(*) FROM credit "
    "WHERE occurred_at >= ? AND occurred_at < ? AND withdrawn_at IS NULL "
    "GROUP BY organisation, substr(occurred_at, 1, 7)"
)


def p95(samples: list[float]) -> float:
    ordered = sorted(samples)
    return ordered[max(0, round(0.95 * len(ordered)) - 1)]


def reference(database: Path, runs: int) -> float:
    db = sqlite3.connect(database)
    times = []
    for _ in range(runs):
        began = time.perf_counter()
        db.execute(AGGREGATE, YEAR).fetchall()
        times.append(time.perf_counter() - began)
    db.close()
    return p95(times)


def routes(client: httpx.Client) -> list[str]:
    partners = client.get("/api/partners").json()["partners"]
    slug = partners[0]["slug"] if partners else "org0000"
    paths = [
        "/partners",
        f"/partners/{slug}",
        "/partners/2026",
        "/reports",
        "/reports/2026-10",
        "/reports/leads",
        "/distinguished",
    ]
    return paths + ["/api" + p for p in paths]


def measure(client: httpx.Client, path: str, runs: int) -> tuple[float, float, float]:
    began = time.perf_counter()
    first = client.get(path)
    cold = time.perf_counter() - began
    assert first.status_code == 200, (path, first.status_code)
    warm, revalidated = [], []
    for _ in range(runs):
        began = time.perf_counter()
        client.get(path)
        warm.append(time.perf_counter() - began)
        began = time.perf_counter()
        answer = client.get(path, headers={"If-None-Match": first.headers["etag"]})
        revalidated.append(time.perf_counter() - began)
        assert answer.status_code == 304, path
    return cold, p95(warm), p95(revalidated)


def bump(database: Path) -> None:
    """What any write that a public page shows does to the page version."""
    db = sqlite3.connect(database, timeout=30)
    db.execute("UPDATE public_state SET version = version + 1")
    db.commit()
    db.close()


def main() -> None:
    parser = argparse.ArgumentParser(description="public pages benchmark")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--requests", type=int, default=40)
    args = parser.parse_args()
    with SlackApiStandIn() as slack, tempfile.TemporaryDirectory(prefix="bench-pages-") as tmp:
        database = Path(tmp) / "large.db"
        shutil.copy(args.data / "large.db", database)
        port = _free_port()
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{database}",
            CREDITBOT_CONFIG=str(args.data / "creditbot.yml"),
            SLACK_BOT_TOKEN="xoxb-bench",
            SLACK_SIGNING_SECRET="bench-secret",
            SLACK_API_URL=slack.url,
        )
        env.pop("SLACK_APP_TOKEN", None)
        creditbot = str(Path(sys.executable).with_name("creditbot"))
        began = time.perf_counter()
        subprocess.run([creditbot, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        upgraded = time.perf_counter() - began
        ref = reference(database, args.requests)
        command = [creditbot, "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--no-scheduler", "--log-level", "warning", "--event-workers", "0"]
        serve = subprocess.Popen(command, env=env, stdout=subprocess.DEVNULL)
        try:
            _wait_until_listening(serve, port)
            with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
                paths = routes(client)
                bump(database)
                rows = [(path, *measure(client, path, args.requests)) for path in paths]
            peak_kb = sum(_status_kb(p, "VmHWM") for p in _tree(serve.pid))
        finally:
            _stop(serve)
    print(f"dataset: {args.data / 'large.db'}; {args.requests} requests per route")
    print(f"db upgrade (builds the monthly figures from the ledger): {upgraded:.2f} s")
    print(f"reference: a year's credits per organisation and month, p95 {ref * 1000:.1f} ms")
    print(f"{'route':28} {'cold':>9} {'warm p95':>9} {'304 p95':>9} {'warm/ref':>9}")
    for path, cold, warm, revalidated in rows:
        print(
            f"{path:28} {cold * 1000:7.1f}ms {warm * 1000:7.1f}ms {revalidated * 1000:7.1f}ms "
            f"{warm / ref:8.3f}x"
        )
    worst = max(warm for _, _, warm, _ in rows)
    coldest = max(cold for _, cold, _, _ in rows)
    print(f"worst warm p95 / reference: {worst / ref:.3f}x (target <= 0.25)")
    print(f"worst cold / reference:     {coldest / ref:.3f}x")
    print(f"serve peak RSS: {peak_kb / 1024:.0f} MB (target <= 250 MB)")
    print(f"median warm p95: {statistics.median(w for _, _, w, _ in rows) * 1000:.1f} ms")


if __name__ == "__main__":
    main()
