"""``/credit help`` while forum webhooks and public pages pour in (issue 17, item 3).

    python bench/bench_slack_under_load.py [--webhooks 100] [--pages 40]

One ``creditbot serve`` (SQLite, loopback stand-ins). First the reference: ``/credit
help`` alone, 5 times. Then the same while ``--webhooks`` signed ``post_created``
webhooks of new forum users (each needs the forum API, which answers in 0.5 s here)
and ``--pages`` concurrent ``GET /reports`` arrive. Prints the median and worst time of
each, and the target (under 1 s under load).
"""

from __future__ import annotations

import argparse
import statistics
import time
from concurrent.futures import ThreadPoolExecutor

from serve_rig import Rig

from tests.faults.load import credit_help, get_reports, post_webhook

ROUNDS = 5


def _helps(url: str) -> list[float]:
    times = []
    for _ in range(ROUNDS):
        text, took = credit_help(url, timeout=30)
        assert text.startswith("*How to use /credit*"), text
        times.append(took)
        time.sleep(0.2)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--webhooks", type=int, default=100)
    parser.add_argument("--pages", type=int, default=40)
    args = parser.parse_args()
    rig = Rig()
    serve, url, _started = rig.serve()
    try:
        alone = _helps(url)
        rig.forum.delay("/u/", 0.5, times=args.webhooks)
        with ThreadPoolExecutor(max_workers=args.webhooks + args.pages) as senders:
            hooks = [senders.submit(post_webhook, url, n) for n in range(args.webhooks)]
            pages = [senders.submit(get_reports, url) for _ in range(args.pages)]
            loaded = _helps(url)
            codes = [f.result() for f in hooks + pages]
    finally:
        serve.terminate()
        serve.wait(60)
        rig.close()
    print(
        f"/credit help alone (reference): median {statistics.median(alone) * 1000:.0f} ms, "
        f"worst {max(alone) * 1000:.0f} ms"
    )
    print(
        f"/credit help under {args.webhooks} forum webhooks + {args.pages} GET /reports: "
        f"median {statistics.median(loaded) * 1000:.0f} ms, worst {max(loaded) * 1000:.0f} ms "
        "(target: under 1000 ms)"
    )
    print(f"webhook and page answers: {sum(c == 200 for c in codes)} x 200 of {len(codes)}")


if __name__ == "__main__":
    main()
