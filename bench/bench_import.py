"""Benchmark 2: bulk import through ``creditbot import`` against raw ``sqlite3`` executemany.

    python bench/generate.py            # once: bench/data/{members.db,credits.jsonl}
    python bench/bench_import.py [--data bench/data] [--rounds N]

Both start from a copy of ``members.db`` (the schema, members and organisations, no
credits). ``creditbot import`` runs as a whole process (parsing, validation, member
resolution, attribution, de-duplication and the insert, all or nothing); the baseline
inserts the same credits, already parsed into tuples, with one ``executemany`` into the
same table and indexes, and (the reference of issue 19) into a table with only a unique
ref. Target: creditbot's rate >= 30% of the unique-ref-only insert.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import statistics
import subprocess
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from generate import TYPES  # noqa: E402  (the generator's points per type)


def _fresh(data: Path, name: str) -> Path:
    target = data / name
    for suffix in ("", "-wal", "-shm"):
        Path(f"{target}{suffix}").unlink(missing_ok=True)
    shutil.copy(data / "members.db", target)
    return target


def _rows(db: sqlite3.Connection, data: Path) -> list[tuple[Any, ...]]:
    """The file's credits as the rows a raw insert writes (parsed, resolved, attributed)."""
    member_of = dict(db.execute("SELECT value, member_id FROM identity WHERE kind='email'"))
    org_of = dict(db.execute("SELECT member_id, organisation FROM affiliation"))
    points = TYPES
    now = datetime.now(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")
    rows = []
    with (data / "credits.jsonl").open(encoding="utf-8") as handle:
        for line in handle:
            r = json.loads(line)
            m = member_of[r["member"]]
            at = datetime.fromisoformat(r["at"].replace("Z", "+00:00"))
            rows.append(
                (
                    m,
                    r["type"],
                    points[r["type"]],
                    at.strftime("%Y-%m-%d %H:%M:%S.%f"),
                    r["source"],
                    r["ref"],
                    org_of.get(m),
                    "import",
                    "",
                    now,
                )
            )
    return rows


def raw_rate(data: Path) -> tuple[int, float]:
    """Raw executemany into creditbot's schema (the credit table and all its indexes)."""
    target = _fresh(data, "raw.db")
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    rows = _rows(db, data)
    began = time.perf_counter()
    db.executemany(
        "INSERT INTO credit (member_id, type, points, occurred_at, source, source_ref, "
        "organisation, granted_by, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.commit()
    elapsed = time.perf_counter() - began
    db.close()
    return len(rows), elapsed


def bare_rate(data: Path) -> tuple[int, float]:
    """Raw executemany of the same rows into a table with only a unique ref (the issue's
    reference: what the database itself costs, nothing of creditbot's schema)."""
    target = _fresh(data, "bare.db")
    db = sqlite3.connect(target)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA synchronous=NORMAL")
    rows = _rows(db, data)
    db.execute(
        "CREATE TABLE bare (id INTEGER PRIMARY KEY, member_id INT, type TEXT, points INT, "
        "occurred_at TEXT, source TEXT, source_ref TEXT UNIQUE, organisation TEXT, "
        "granted_by TEXT, note TEXT, created_at TEXT)"
    )
    began = time.perf_counter()
    db.executemany(
        "INSERT INTO bare (member_id, type, points, occurred_at, source, source_ref, "
        "organisation, granted_by, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.commit()
    elapsed = time.perf_counter() - began
    db.close()
    return len(rows), elapsed


def creditbot_rate(data: Path) -> tuple[str, float]:
    target = _fresh(data, "imported.db")
    env = dict(
        os.environ, DATABASE_URL=f"sqlite:///{target}", CREDITBOT_CONFIG=str(data / "creditbot.yml")
    )
    creditbot = Path(sys.executable).with_name("creditbot")
    began = time.perf_counter()
    result = subprocess.run(
        [str(creditbot), "import", str(data / "credits.jsonl")],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stdout.strip(), time.perf_counter() - began


def main() -> None:
    parser = argparse.ArgumentParser(description="bulk import benchmark")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="times the reference and the import run, alternated (the machine's speed "
        "drifts; each round's ratio is of two runs seconds apart, and the median is given)",
    )
    args = parser.parse_args()
    count, raw = raw_rate(args.data)
    pairs = []
    for _ in range(max(1, args.rounds)):
        _, bare = bare_rate(args.data)
        said, ours = creditbot_rate(args.data)
        pairs.append((bare, ours))
    print(f"credits:                 {count}")
    print(f"raw, creditbot's schema: {raw:8.2f} s  {count / raw:>10,.0f} credits/s")
    for number, (bare, ours) in enumerate(pairs, 1):
        round_ = f" (round {number})" if len(pairs) > 1 else ""
        print(f"raw, a unique ref only:  {bare:8.2f} s  {count / bare:>10,.0f} credits/s{round_}")
        print(f"creditbot import:        {ours:8.2f} s  {count / ours:>10,.0f} credits/s  ({said})")
        print(f"creditbot / unique ref:  {bare / ours:8.1%}  (target >= 30%){round_}")
    print(f"creditbot / raw schema:  {raw / pairs[0][1]:8.1%}")
    if len(pairs) > 1:
        middle = statistics.median(bare / ours for bare, ours in pairs)
        print(f"median of {len(pairs)} rounds:      {middle:8.1%}  (target >= 30%)")


if __name__ == "__main__":
    main()
