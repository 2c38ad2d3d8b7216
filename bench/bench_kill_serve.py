"""``serve`` SIGKILLed under load, again and again (issue 17: "restarts within seconds,
every acknowledged event handled once").

    python bench/bench_kill_serve.py [--kills 20] [--workers 1] [--database-url URL | --postgres]

Each round starts ``creditbot serve --event-workers W`` (SQLite in a temporary folder,
or ``--database-url``, e.g. a throw-away PostgreSQL database), sends signed message
events from 4 threads and SIGKILLs it once it has acknowledged ``--per-round`` of them.
Then a last serve gets again every event that got no 200 (as Slack retries) and the
script waits until every event is handled. Prints the restart times (start to the first
200 of ``/healthz``; the reference: the first, cold start) and the counts: sent,
acknowledged, handled, doubled (must be 0), lost (must be 0), processes left behind.
"""

from __future__ import annotations

import argparse
import statistics
import threading
import time
from pathlib import Path

import httpx
from serve_rig import Rig
from sqlalchemy import func, select

from storage.engine import make_engine
from storage.tables import ActivityRow, InboxRow, columns
from tests.faults.test_event_workers import _message, _send

_activity = columns(ActivityRow)
_inbox = columns(InboxRow)
PATIENCE = 300.0


class _Senders:
    def __init__(self, url: str, numbers: list[int]) -> None:
        self.url, self.numbers, self.acked = url, numbers, set[int]()
        self._lock, self._stop = threading.Lock(), threading.Event()
        self._threads = [threading.Thread(target=self._run, daemon=True) for _ in range(4)]
        for thread in self._threads:
            thread.start()

    def _take(self) -> int:
        with self._lock:
            n = len(self.numbers) and self.numbers[-1] + 1
            self.numbers.append(n)
            return n

    def _run(self) -> None:
        while not self._stop.is_set():
            n = self._take()
            try:
                if _send(self.url, _message(n), False) == 200:
                    with self._lock:
                        self.acked.add(n)
            except httpx.TransportError:
                pass

    def stop(self) -> None:
        self._stop.set()
        for thread in self._threads:
            thread.join(30)


def _counts(url: str) -> tuple[int, int]:
    engine = make_engine(url)
    with engine.connect() as connection:
        counted = connection.execute(
            select(func.sum(_activity.count)).where(_activity.kind == "slack_message")
        ).scalar()
        done = connection.execute(
            select(func.count()).select_from(InboxRow).where(_inbox.status == "done")
        ).scalar_one()
    engine.dispose()
    return int(counted or 0), int(done)


def _left_behind(pids: list[int]) -> int:
    return sum(Path(f"/proc/{pid}").exists() for pid in pids)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=20)
    parser.add_argument("--workers", default="1")
    parser.add_argument("--per-round", type=int, default=30)
    parser.add_argument("--database-url", default=None)
    parser.add_argument(
        "--postgres", action="store_true", help="a throw-away PostgreSQL cluster (as the tests)"
    )
    args = parser.parse_args()
    server = None
    if args.postgres:
        from tests.support.databases import PostgresServer

        server = PostgresServer.start()
        args.database_url = server.create_database()
    try:
        _run(args)
    finally:
        if server is not None:
            server.close()


def _run(args: argparse.Namespace) -> None:
    rig = Rig(args.database_url)
    numbers: list[int] = []
    acked: set[int] = set()
    starts: list[float] = []
    pids: list[int] = []
    try:
        for _ in range(args.kills):
            serve, url, took = rig.serve("--event-workers", args.workers)
            starts.append(took)
            pids.append(serve.pid)
            senders = _Senders(url, numbers)
            deadline = time.monotonic() + PATIENCE
            while len(senders.acked) < args.per_round and time.monotonic() < deadline:
                time.sleep(0.01)
            serve.kill()
            serve.wait(30)
            senders.stop()
            acked |= senders.acked
        serve, url, took = rig.serve("--event-workers", args.workers)
        starts.append(took)
        sent = sorted(set(numbers))
        for n in sent:
            if n not in acked:
                _send(url, _message(n), True)  # Slack's retry of what got no 200
        deadline = time.monotonic() + PATIENCE
        while _counts(rig.database_url)[1] < len(sent) and time.monotonic() < deadline:
            time.sleep(0.2)
        serve.terminate()
        serve.wait(60)
        counted, done = _counts(rig.database_url)
        time.sleep(1)  # the workers of killed serves: given a moment to notice
        left = _left_behind(pids) + sum(
            1 for log in rig.logs for line in log.read_text().splitlines() if "Traceback" in line
        )
    finally:
        rig.close()
    print(
        f"kills: {args.kills}, --event-workers {args.workers}, database: "
        f"{'SQLite' if rig.database_url.startswith('sqlite') else 'PostgreSQL'}"
    )
    print(
        f"start to /healthz 200: first (reference, cold) {starts[0]:.2f} s; after a kill "
        f"median {statistics.median(starts[1:]):.2f} s, worst {max(starts[1:]):.2f} s"
    )
    print(
        f"events sent {len(sent)}, acknowledged {len(acked)}, handled {done}, "
        f"counted {counted}; lost {max(0, len(sent) - done)}, "
        f"doubled {max(0, counted - len(sent))}; processes or tracebacks left: {left}"
    )


if __name__ == "__main__":
    main()
