"""CPU per Slack event of creditbot's recording and handling, in one thread, no HTTP.

    python bench/profile_events.py [--events 500] [--profile] [--worker] [--data bench/data]

The events of ``bench_ack.py`` (same generator, same seed) against a copy of
``large.db`` and the same Slack stand-in: each is stored in the inbox as ``/slack/events``
stores it (``SlackEvents.receive``), then handled as the event worker handles it
(``SlackEvents.handle_entry``). Prints the CPU time (``time.thread_time``) per event of
each step: steadier than the latency of ``bench_ack.py`` on a busy machine, and what the
event worker's share of the interpreter (GIL) comes from. ``--profile`` adds a cProfile
of the handling, timed by that CPU clock (``PROFILE_SORT=tottime`` and ``PROFILE_FILTER=.``
in the environment sort it by own time and show every module).

``--worker`` measures the event worker's own path instead (what ``serve --event-workers``
runs): each event stored in a spool as ``serve`` stores it, then the worker's loop
(:func:`bot.slack.intake.processes.work`: the move from the spool into the inbox, the
claims, the handling) until nothing is left; its CPU per event is what the worker costs.
"""

from __future__ import annotations

import argparse
import cProfile
import json
import os
import pstats
import random
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_ack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU per Slack event, recorded and handled")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile the handling")
    parser.add_argument("--worker", action="store_true", help="the event worker's path")
    args = parser.parse_args()
    if not 0 < args.events <= 100_000:
        raise SystemExit("--events must be in (0, 100000]")
    source = args.data / "large.db"
    if not source.exists():
        raise SystemExit(f"{source} is missing: run bench/generate.py first")
    with tempfile.TemporaryDirectory(prefix="bench-events-") as tmp:
        database = Path(tmp) / "large.db"
        shutil.copy(source, database)
        os.environ.update(
            DATABASE_URL=f"sqlite:///{database}",
            CREDITBOT_CONFIG=str(args.data / "creditbot.yml"),
            SLACK_BOT_TOKEN=bench_ack.TOKEN,
            SLACK_SIGNING_SECRET=bench_ack.SECRET,
        )
        os.environ.pop("SLACK_APP_TOKEN", None)
        creditbot = str(Path(sys.executable).with_name("creditbot"))
        subprocess.run([creditbot, "db", "upgrade"], check=True, stdout=subprocess.DEVNULL)
        standin = subprocess.Popen(
            [sys.executable, bench_ack.__file__, "--standin", str(database)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
        )
        assert standin.stdin is not None and standin.stdout is not None
        try:
            os.environ["SLACK_API_URL"] = standin.stdout.readline().decode().strip()
            measure = _measure_worker if args.worker else _measure
            measure(args.events, args.profile)
        finally:
            standin.stdin.close()
            standin.wait(timeout=10)


def _measure(count: int, profile: bool) -> None:
    from bot.cli.common import close_runtimes, open_runtime
    from bot.slack.app import SlackApp

    runtime = open_runtime()
    app = SlackApp(runtime)
    try:
        bot_user_id = app.identity().get("user_id")
        rng = random.Random(1)
        bodies = [bench_ack._event(n, rng).decode() for n in range(count)]
        envelopes = [json.loads(body) for body in bodies]
        events = app.services.events
        ids: list[int | None] = []

        def record() -> None:
            for envelope, body in zip(envelopes, bodies, strict=True):
                ids.extend(events.receive([(envelope, body, True)]))

        def handle() -> None:
            for envelope, entry_id in zip(envelopes, ids, strict=True):
                assert entry_id is not None
                events.handle_entry(entry_id, envelope, bot_user_id)

        _timed(count, ("record", record), ("handle", handle), profile)
    finally:
        app.close()
        close_runtimes()


def _measure_worker(count: int, profile: bool) -> None:
    """The events spooled as ``serve`` spools them, then moved and handled by the
    worker's loop body (``take_spooled``, ``process_pending``) until none is left."""
    from bot.cli.common import close_runtimes, open_runtime
    from bot.slack.app import SlackApp
    from bot.slack.intake.processes import BATCH
    from storage.spool import EventSpool, spool_path

    runtime = open_runtime()
    app = SlackApp(runtime)
    path = spool_path(os.environ["DATABASE_URL"])
    assert path is not None
    spool = EventSpool(path)
    try:
        bot_user_id = app.identity().get("user_id")
        rng = random.Random(1)
        bodies = [bench_ack._event(n, rng).decode() for n in range(count)]
        events = app.services.events

        def spool_each() -> None:
            for body in bodies:
                spool.add([body])

        def work() -> None:
            for _round in range(10 * count):  # bounded: each round moves or handles some
                moved = events.take_spooled(spool)
                if not moved and not events.process_pending(bot_user_id, BATCH):
                    return

        _timed(count, ("spool", spool_each), ("worker (move, claim, handle)", work), profile)
    finally:
        spool.close()
        app.close()
        close_runtimes()


Step = tuple[str, Callable[[], None]]


def _timed(count: int, first: Step, second: Step, profile: bool) -> None:
    """Run both steps, the second under cProfile if asked; print each one's CPU per event."""
    began = time.thread_time()
    first[1]()
    middle = time.thread_time()
    profiler = cProfile.Profile(time.thread_time) if profile else None
    if profiler is not None:
        profiler.enable()
    second[1]()
    if profiler is not None:
        profiler.disable()
    ended = time.thread_time()
    per = 1000 / count
    print(
        f"{count} events: {first[0]} {(middle - began) * per:.2f} ms CPU each, "
        f"{second[0]} {(ended - middle) * per:.2f} ms CPU each"
        + (" (profiled: slower)" if profiler is not None else "")
    )
    if profiler is not None:
        stats = pstats.Stats(profiler)
        stats.sort_stats(os.environ.get("PROFILE_SORT", "cumulative"))
        stats.print_stats(os.environ.get("PROFILE_FILTER", r"(bot|storage|scoring)/"), 40)


if __name__ == "__main__":
    main()
