"""Benchmark 3: ``creditbot report --month`` against hand-written SQL GROUP BYs.

    python bench/generate.py            # once: bench/data/large.db
    python bench/bench_report.py [--data bench/data] [--month 2026-10] [--runs 5]

Both are whole processes timed from the outside: ``creditbot report --format json`` on
the large dataset, and a minimal Python process (sqlite3 only) running the GROUP BYs that
give the same numbers. Target: ratio <= 3 (a command loads only what it needs, and the
work happens in SQL).
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

BASELINE = r"""
import sqlite3, sys, json
db = sqlite3.connect(sys.argv[1])
start, end, pstart = sys.argv[2], sys.argv[3], sys.argv[4]
members = db.execute(
    "SELECT member_id, SUM(points), COUNT(*) FROM credit WHERE occurred_at >= ? AND occurred_at < ?"
    " AND withdrawn_at IS NULL GROUP BY member_id", (start, end)).fetchall()
orgs = db.execute(
    "SELECT organisation, SUM(points) FROM credit WHERE occurred_at >= ? AND occurred_at < ?"
    " AND withdrawn_at IS NULL AND organisation IS NOT NULL GROUP BY organisation",
    (start, end)).fetchall()
previous = db.execute(
    "SELECT organisation, SUM(points) FROM credit WHERE occurred_at >= ? AND occurred_at < ?"
    " AND withdrawn_at IS NULL AND organisation IS NOT NULL GROUP BY organisation",
    (pstart, start)).fetchall()
new_contributors = db.execute(
    "SELECT COUNT(*) FROM (SELECT member_id, MIN(occurred_at) AS f FROM credit"
    " WHERE withdrawn_at IS NULL GROUP BY member_id) WHERE f >= ? AND f < ?",
    (start, end)).fetchone()[0]
new_members = db.execute(
    "SELECT COUNT(*) FROM member WHERE first_seen >= ? AND first_seen < ? AND is_bot = 0",
    (start, end)).fetchone()[0]
print(json.dumps([len(members), len(orgs), len(previous), new_contributors, new_members]))
"""


def _time(command: list[str], env: dict[str, str]) -> float:
    began = time.perf_counter()
    subprocess.run(command, env=env, check=True, capture_output=True)
    return time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description="monthly report benchmark")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--month", default="2026-10")
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    database = args.data / "large.db"
    year, month = map(int, args.month.split("-"))
    prev = f"{year - 1}-12" if month == 1 else f"{year}-{month - 1:02d}"
    nxt = f"{year + 1}-01" if month == 12 else f"{year}-{month + 1:02d}"
    bounds = [
        f"{args.month}-01 00:00:00.000000",
        f"{nxt}-01 00:00:00.000000",
        f"{prev}-01 00:00:00.000000",
    ]
    env = dict(
        os.environ,
        DATABASE_URL=f"sqlite:///{database}",
        CREDITBOT_CONFIG=str(args.data / "creditbot.yml"),
    )
    creditbot = str(Path(sys.executable).with_name("creditbot"))
    ours = [
        _time([creditbot, "report", "--month", args.month, "--format", "json"], env)
        for _ in range(args.runs)
    ]
    raw = [
        _time([sys.executable, "-c", BASELINE, str(database), *bounds], env)
        for _ in range(args.runs)
    ]
    o, r = statistics.median(ours), statistics.median(raw)
    print(f"dataset:                      {database}")
    print(f"creditbot report (median/{args.runs}): {o:6.2f} s")
    print(f"hand-written SQL (median/{args.runs}): {r:6.2f} s")
    print(f"ratio:                        {o / r:6.2f}  (target <= 3)")


if __name__ == "__main__":
    main()
