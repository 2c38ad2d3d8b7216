"""CPU per Slack event of creditbot's recording and handling, in one thread, no HTTP.

    python bench/profile_events.py [--events 500] [--profile] [--data bench/data]

The events of ``bench_ack.py`` (same generator, same seed) against a copy of
``large.db`` and the same Slack stand-in: each is stored in the inbox as ``/slack/events``
stores it (``SlackEvents.receive``), then handled as the event worker handles it
(``SlackEvents.handle_entry``). Prints the CPU time (``time.thread_time``) per event of
each step: steadier than the latency of ``bench_ack.py`` on a busy machine, and what the
event worker's share of the interpreter (GIL) comes from. ``--profile`` adds a cProfile
of the handling, timed by that CPU clock.
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
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench import bench_ack  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description="CPU per Slack event, recorded and handled")
    parser.add_argument("--data", type=Path, default=ROOT / "bench" / "data")
    parser.add_argument("--events", type=int, default=500)
    parser.add_argument("--profile", action="store_true", help="cProfile the handling")
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
            _measure(args.events, args.profile)
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
        began = time.thread_time()
        ids = [
            events.receive([(e, body, True)])[0] for e, body in zip(envelopes, bodies, strict=True)
        ]
        recorded = time.thread_time()
        profiler = cProfile.Profile(time.thread_time) if profile else None
        if profiler is not None:
            profiler.enable()
        for envelope, entry_id in zip(envelopes, ids, strict=True):
            assert entry_id is not None
            events.handle_entry(entry_id, envelope, bot_user_id)
        if profiler is not None:
            profiler.disable()
        handled = time.thread_time()
        per = 1000 / count
        print(
            f"{count} events: record {(recorded - began) * per:.2f} ms CPU each, "
            f"handle {(handled - recorded) * per:.2f} ms CPU each"
            + (" (profiled: slower)" if profiler is not None else "")
        )
        if profiler is not None:
            stats = pstats.Stats(profiler)
            stats.sort_stats("cumulative").print_stats(r"(bot|storage|scoring)/", 40)
    finally:
        app.close()
        close_runtimes()


if __name__ == "__main__":
    main()
