"""The thread pools of the HTTP app: one per kind of caller, each bounded.

Starlette runs a synchronous endpoint in anyio's one shared pool (40 threads). Shared,
a burst of forum webhooks (each waiting for the forum API) or of public pages (each
reading the ledger) takes every thread, and Slack, which gives up after 3 s, waits
behind them. So each caller gets its own pool:

- ``slack``: Bolt's dispatch of ``/slack/events`` (its listeners only read and ack);
- ``forum``: ``/discourse/webhook``, storing the event before the answer;
- ``forum_work``: processing it after the answer (the forum API, which may be slow; its
  rate-limit waits are not slept here: see :mod:`bot.discourse.webhook`);
- ``pages``: the public pages and ``/api``;
- ``health``: ``/healthz``, so a load balancer's check never waits behind pages.

A pool that is full queues its work; the others go on. The forum's and the pages' pools
are small on purpose: CPython runs one thread's Python at a time, so every busy thread
there is one more that Slack's thread waits behind (bench/bench_slack_under_load.py:
with 2 threads each, ``/credit help`` under 100 webhooks and 40 pages took a median of
100-185 ms, worst 663-934 ms; with 4 each, median 272-461 ms, worst 1054-1292 ms).
"""

from __future__ import annotations

import asyncio
import functools
from collections.abc import Awaitable, Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import BaseRoute, Route

P = ParamSpec("P")
T = TypeVar("T")

SLACK_THREADS = 8
FORUM_THREADS = 2
PAGES_THREADS = 2


def _pool(threads: int, name: str) -> ThreadPoolExecutor:
    return ThreadPoolExecutor(max_workers=threads, thread_name_prefix=f"creditbot-{name}")


@dataclass
class Executors:
    """The pools of one HTTP app (see the module docstring)."""

    slack: ThreadPoolExecutor = field(default_factory=lambda: _pool(SLACK_THREADS, "http-slack"))
    forum: ThreadPoolExecutor = field(default_factory=lambda: _pool(FORUM_THREADS, "http-forum"))
    forum_work: ThreadPoolExecutor = field(
        default_factory=lambda: _pool(FORUM_THREADS, "forum-work")
    )
    pages: ThreadPoolExecutor = field(default_factory=lambda: _pool(PAGES_THREADS, "http-pages"))
    health: ThreadPoolExecutor = field(default_factory=lambda: _pool(1, "http-health"))

    def shutdown(self) -> None:
        for pool in (self.slack, self.forum, self.forum_work, self.pages, self.health):
            pool.shutdown(wait=False, cancel_futures=True)


async def run_in(
    pool: ThreadPoolExecutor, func: Callable[P, T], *args: P.args, **kwargs: P.kwargs
) -> T:
    """``func(*args, **kwargs)`` on ``pool``, awaited from the event loop."""
    loop = asyncio.get_running_loop()
    return await loop.run_in_executor(pool, functools.partial(func, *args, **kwargs))


def on_pool(routes: list[BaseRoute], pool: ThreadPoolExecutor) -> list[BaseRoute]:
    """The same routes, their synchronous endpoints run on ``pool`` instead of anyio's."""
    moved: list[BaseRoute] = []
    for route in routes:
        if isinstance(route, Route) and not asyncio.iscoroutinefunction(route.endpoint):
            route = Route(
                route.path,
                _running_on(route.endpoint, pool),
                methods=sorted(route.methods or ()),
                name=route.name,
            )
        moved.append(route)
    return moved


def _running_on(
    endpoint: Callable[[Request], Any], pool: ThreadPoolExecutor
) -> Callable[[Request], Awaitable[Response]]:
    async def endpoint_on_pool(request: Request) -> Response:
        response: Response = await run_in(pool, endpoint, request)
        return response

    return endpoint_on_pool
