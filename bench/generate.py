"""Generate a large, seeded community for the benchmarks.

    python bench/generate.py [--members 10000] [--orgs 500] [--credits 1000000]
                             [--months 24] [--seed 1] [--out bench/data]

Writes ``OUT/large.db`` (a migrated creditbot database with members, identities,
organisations, affiliations and credits, filled with raw ``executemany`` for speed, and
its maintained monthly figures),
``OUT/members.db`` (the same without credits, the starting point of the import
benchmark), ``OUT/credits.jsonl`` (the same credits as an import file) and
``OUT/creditbot.yml`` (the organisations). Same seed, same data.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import sqlite3
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from storage.engine import make_engine, make_session_factory  # noqa: E402
from storage.migrate import upgrade  # noqa: E402
from storage.uow import UnitOfWork  # noqa: E402

TYPES = {
    "code": 5,
    "review": 3,
    "support": 2,
    "docs": 3,
    "event": 8,
    "talk": 5,
    "blog": 4,
    "consulting": 3,
    "bizdev": 4,
}
END = datetime(2026, 11, 1, tzinfo=UTC)


def _iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%d %H:%M:%S.%f")


def generate(out: Path, members: int, orgs: int, credits: int, months: int, seed: int) -> None:
    rng = random.Random(seed)
    out.mkdir(parents=True, exist_ok=True)
    for name in ("large.db", "members.db"):
        for suffix in ("", "-wal", "-shm"):
            (out / f"{name}{suffix}").unlink(missing_ok=True)
    start = END - timedelta(days=30 * months)
    organisations = [
        {
            "slug": f"org{i:04d}",
            "name": f"Organisation {i}",
            "domains": [f"org{i:04d}.example"],
            "country": rng.choice(["US", "FR", "DE", "GB", "IN", "BR", "JP", "ES"]),
            "employees": rng.choice([5, 12, 25, 40, 120, 800]),
            "partner": i < 120,
        }
        for i in range(orgs)
    ]
    (out / "creditbot.yml").write_text(
        yaml.safe_dump({"organisations": organisations}), encoding="utf-8"
    )
    engine = make_engine(f"sqlite:///{out / 'members.db'}")
    upgrade(engine)
    engine.dispose()
    db = sqlite3.connect(out / "members.db")
    now = _iso(END)
    db.executemany(
        "INSERT INTO organisation (slug, name, domains, country, employees, partner, staff, "
        "contacts, from_config, profile) VALUES (?, ?, ?, ?, ?, ?, 0, '[]', 1, '{}')",
        [
            (
                o["slug"],
                o["name"],
                json.dumps(o["domains"]),
                o["country"],
                o["employees"],
                o["partner"],
            )
            for o in organisations
        ],
    )
    people = []
    for m in range(1, members + 1):
        org = rng.randrange(orgs) if rng.random() < 0.7 else None
        email = f"user{m}@org{org:04d}.example" if org is not None else f"user{m}@gmail.com"
        first = start + timedelta(days=rng.randint(0, 30 * months - 1))
        people.append((m, email, org, first))
    db.executemany(
        "INSERT INTO member (id, name, first_seen, is_bot, show_publicly, nudges_opted_out, "
        "created_at) VALUES (?, ?, ?, 0, 1, 0, ?)",
        [(m, f"User {m}", _iso(first), now) for m, _e, _o, first in people],
    )
    db.executemany(
        "INSERT INTO identity (member_id, kind, value) VALUES (?, ?, ?)",
        [(m, "email", email) for m, email, _o, _f in people]
        + [(m, "slack", f"U{m:08d}") for m, _e, _o, _f in people],
    )
    db.executemany(
        'INSERT INTO affiliation (member_id, organisation, source, start, "end", created_at) '
        "VALUES (?, ?, 'domain', NULL, NULL, ?)",
        [(m, f"org{o:04d}", now) for m, _e, o, _f in people if o is not None],
    )
    db.commit()
    db.close()
    shutil.copy(out / "members.db", out / "large.db")

    span = (END - start).total_seconds()
    weights = [rng.paretovariate(1.2) for _ in people]
    chosen = rng.choices(people, weights=weights, k=credits)
    rows = []
    with (out / "credits.jsonl").open("w", encoding="utf-8") as handle:
        for n, (m, email, org, _first) in enumerate(chosen):
            kind = rng.choice(list(TYPES))
            at = start + timedelta(seconds=rng.random() * span)
            ref = f"bench-{n}"
            handle.write(
                json.dumps(
                    {
                        "member": email,
                        "type": kind,
                        "at": at.strftime("%Y-%m-%dT%H:%M:%SZ"),
                        "ref": ref,
                        "source": "bench",
                    }
                )
                + "\n"
            )
            rows.append(
                (
                    m,
                    kind,
                    TYPES[kind],
                    _iso(at.replace(microsecond=0)),
                    "bench",
                    ref,
                    f"org{org:04d}" if org is not None else None,
                    "import",
                    "",
                    now,
                )
            )
    db = sqlite3.connect(out / "large.db")
    db.executemany(
        "INSERT INTO credit (member_id, type, points, occurred_at, source, source_ref, "
        "organisation, granted_by, note, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        rows,
    )
    db.commit()
    db.execute("ANALYZE")
    db.close()
    _build_monthly_figures(out / "large.db")


def _build_monthly_figures(database: Path) -> None:
    """What the first start-up on this ledger does (``serve``, any command)."""
    engine = make_engine(f"sqlite:///{database}")
    with UnitOfWork(make_session_factory(engine)) as uow:
        uow.rollups.rebuild(ZoneInfo("UTC"))
        uow.commit()
    engine.dispose()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--members", type=int, default=10_000)
    parser.add_argument("--orgs", type=int, default=500)
    parser.add_argument("--credits", type=int, default=1_000_000)
    parser.add_argument("--months", type=int, default=24)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, default=ROOT / "bench" / "data")
    args = parser.parse_args()
    began = time.perf_counter()
    generate(args.out, args.members, args.orgs, args.credits, args.months, args.seed)
    print(
        f"generated {args.members} members, {args.orgs} organisations, {args.credits} credits "
        f"over {args.months} months in {time.perf_counter() - began:.1f} s -> {args.out}"
    )


if __name__ == "__main__":
    main()
