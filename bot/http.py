"""The ASGI application served by ``creditbot serve``.

Each adapter contributes its routes here (Slack: ``/slack/events``; Discourse:
``/discourse/webhook``; the public pages and ``/api``). The app is built from a
:class:`Runtime`; nothing is read from the environment here.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.body_limit import BodyLimit
from bot.discourse.webhook import PATH as DISCOURSE_PATH
from bot.discourse.webhook import discourse_routes
from bot.executors import Executors, on_pool, run_in
from bot.runtime import Runtime
from bot.slack.app import SlackApp
from bot.slack.http import PATH as SLACK_PATH
from bot.slack.http import slack_app_of, slack_routes
from bot.web.routes import web_routes
from bot.web.site_builds import rebuild_sites


def build_app(
    runtime: Runtime,
    *,
    slack: SlackApp | None = None,
    executors: Executors | None = None,
    health: Callable[[], tuple[int, dict[str, Any]]] | None = None,
) -> Starlette:
    """The whole HTTP surface of creditbot for one runtime.

    ``creditbot serve`` (:mod:`bot.app`) hands in its Slack app, its thread pools (one
    per kind of caller: :mod:`bot.executors`) and what ``/healthz`` reports; without
    them (tests, the demo) the app makes a Slack app of its own and uses anyio's pool.
    """

    def check() -> tuple[int, dict[str, Any]]:
        try:
            # A reading session: the check never waits behind a writing transaction.
            with runtime.reader() as uow:
                uow.session.execute(text("SELECT 1"))
        except Exception:  # the database does not answer: not healthy, say so plainly
            return 503, {"status": "unavailable"}
        return 200, {"status": "ok"}

    async def healthz(_request: Request) -> JSONResponse:
        report = health or check
        if executors is None:
            status, body = await run_in_threadpool(report)
        else:
            status, body = await run_in(executors.health, report)
        return JSONResponse(body, status_code=status)

    pages = web_routes(runtime)
    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        *(
            discourse_routes(runtime, executors.forum, executors.forum_work)
            if executors
            else discourse_routes(runtime)
        ),
        *slack_routes(runtime, slack, executors.slack if executors else None),
        *(on_pool(pages, executors.pages) if executors else pages),
    ]
    limit = Middleware(
        BodyLimit,
        max_bytes=runtime.settings.http_max_body_bytes,
        paths=(SLACK_PATH, DISCOURSE_PATH),
    )
    app = Starlette(routes=routes, middleware=[limit])
    app.state.runtime = runtime
    served = slack_app_of(app)
    if served is not None:  # /credit forget me rebuilds the static exports (bot.web)
        served.services.commands.after_erasure = lambda: rebuild_sites(runtime)
    return app
