"""The ASGI application served by ``creditbot serve``.

Each adapter contributes its routes here (Slack: ``/slack/events``; Discourse:
``/discourse/webhook``; the public pages and ``/api``). The app is built from a
:class:`Runtime`; nothing is read from the environment here.
"""

from __future__ import annotations

from sqlalchemy import text
from starlette.applications import Starlette
from starlette.middleware import Middleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import BaseRoute, Route

from bot.body_limit import BodyLimit
from bot.discourse.webhook import PATH as DISCOURSE_PATH
from bot.discourse.webhook import discourse_routes
from bot.runtime import Runtime
from bot.slack.http import PATH as SLACK_PATH
from bot.slack.http import slack_routes
from bot.web.routes import web_routes


def build_app(runtime: Runtime) -> Starlette:
    """The whole HTTP surface of creditbot for one runtime."""

    async def healthz(_request: Request) -> JSONResponse:
        try:
            # A reading session: the check never waits behind a writing transaction.
            with runtime.reader() as uow:
                uow.session.execute(text("SELECT 1"))
        except Exception:  # the database does not answer: not healthy, say so plainly
            return JSONResponse({"status": "unavailable"}, status_code=503)
        return JSONResponse({"status": "ok"})

    routes: list[BaseRoute] = [
        Route("/healthz", healthz, methods=["GET"]),
        *discourse_routes(runtime),
        *slack_routes(runtime),
        *web_routes(runtime),
    ]
    limit = Middleware(
        BodyLimit,
        max_bytes=runtime.settings.http_max_body_bytes,
        paths=(SLACK_PATH, DISCOURSE_PATH),
    )
    app = Starlette(routes=routes, middleware=[limit])
    app.state.runtime = runtime
    return app
