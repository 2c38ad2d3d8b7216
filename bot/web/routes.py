"""The public pages' routes in ``creditbot serve``.

| route | what |
|---|---|
| ``/partners[?service=&region=&language=]`` | the directory |
| ``/partners/<slug>``, ``/partners/<YYYY>`` | a partner's page; the partners of a year |
| ``/reports``, ``/reports/<YYYY-MM>``, ``/reports/leads`` | reports, health, referrals |
| ``/distinguished`` | the Distinguished Contributors by track |
| ``/api/...`` | the same paths under ``/api``, as JSON |

Handlers are plain functions: Starlette runs them in its thread pool, so database
reads never block the event loop (the Slack endpoint must answer within 3 seconds).
Each request reads through one read-only unit of work.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse, RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.runtime import Runtime
from bot.web import api, pages
from bot.web.distinguished import distinguished_html, distinguished_json
from bot.web.links import Links
from scoring.bounds import check_month
from scoring.directory import DirectoryFilter
from scoring.errors import InvalidMonth, OutOfRange
from scoring.months import Month
from storage.uow import UnitOfWork

_YEAR = re.compile(r"^\d{4}$")
MAX_FILTER_CHARS = 80
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}


def _filter(request: Request) -> DirectoryFilter:
    def value(key: str) -> str | None:
        text = " ".join(request.query_params.get(key, "").split())[:MAX_FILTER_CHARS]
        return text or None

    return DirectoryFilter(value("service"), value("region"), value("language"))


def _month(text: str, now: datetime) -> Month | None:
    """The month of a page's address, or None when it is not one or out of range."""
    try:
        return check_month(Month.parse(text), now.date())
    except (InvalidMonth, OutOfRange):
        return None


def web_routes(runtime: Runtime) -> list[BaseRoute]:
    """The public pages, their JSON and the stylesheet."""
    config = runtime.config

    def html(render: Callable[[UnitOfWork, Links], str | None], missing: str) -> Response:
        links = Links()
        with runtime.reader() as uow:
            body = render(uow, links)
        if body is None:
            body = pages.not_found_html(config, runtime.now(), links, missing)
            return Response(body, 404, headers=HEADERS, media_type="text/html")
        return Response(body, headers=HEADERS, media_type="text/html")

    def json(render: Callable[[UnitOfWork], dict[str, Any] | None], missing: str) -> Response:
        with runtime.reader() as uow:
            data = render(uow)
        if data is None:
            return JSONResponse({"error": missing}, 404, headers=HEADERS)
        return JSONResponse(data, headers=HEADERS)

    def home(_request: Request) -> Response:
        return RedirectResponse("/partners", 302)

    def partners(request: Request) -> Response:
        chosen = _filter(request)
        return html(
            lambda uow, links: pages.partners_html(uow, config, runtime.now(), links, chosen),
            "",
        )

    def partner(request: Request) -> Response:
        key = str(request.path_params["key"])
        now = runtime.now()
        if _YEAR.match(key):
            return html(
                lambda uow, links: pages.year_html(uow, config, now, links, int(key)),
                f"No partner list for {key}.",
            )
        return html(
            lambda uow, links: pages.partner_html(uow, config, now, links, key),
            f"No listed partner called '{key}'.",
        )

    def reports(request: Request) -> Response:
        return html(lambda uow, links: pages.reports_html(uow, config, runtime.now(), links), "")

    def report(request: Request) -> Response:
        key = str(request.path_params["key"])
        now = runtime.now()
        if key == "leads":
            return html(lambda uow, links: pages.leads_html(uow, config, now, links), "")
        month = _month(key, now)
        missing = f"No report for '{key}': reports are for months that have ended (YYYY-MM)."
        if month is None:
            return html(lambda uow, links: None, missing)
        return html(lambda uow, links: pages.report_html(uow, config, now, links, month), missing)

    def distinguished(_request: Request) -> Response:
        return html(lambda uow, links: distinguished_html(uow, config, runtime.now(), links), "")

    def api_distinguished(_request: Request) -> Response:
        return json(lambda uow: distinguished_json(uow, config, runtime.now()), "")

    def stylesheet(_request: Request) -> Response:
        return Response(
            pages.stylesheet(),
            media_type="text/css",
            headers={"Cache-Control": "public, max-age=3600", **HEADERS},
        )

    def api_partners(request: Request) -> Response:
        chosen = _filter(request)
        return json(lambda uow: api.partners_json(uow, config, runtime.now(), chosen), "")

    def api_partner(request: Request) -> Response:
        key = str(request.path_params["key"])
        now = runtime.now()
        if _YEAR.match(key):
            return json(
                lambda uow: api.year_json(uow, config, now, int(key)), f"no partners in {key}"
            )
        return json(
            lambda uow: api.partner_json(uow, config, now, key), f"no listed partner '{key}'"
        )

    def api_reports(_request: Request) -> Response:
        return json(lambda uow: api.reports_json(uow, config, runtime.now()), "")

    def api_report(request: Request) -> Response:
        key = str(request.path_params["key"])
        now = runtime.now()
        if key == "leads":
            return json(lambda uow: api.leads_json(uow, config), "")
        month = _month(key, now)
        if month is None:
            return json(lambda uow: None, f"'{key}' is not a month (YYYY-MM)")
        return json(
            lambda uow: api.report_json(uow, config, now, month),
            f"no report for {key}: the month has not ended",
        )

    return [
        Route("/", home, methods=["GET"]),
        Route("/partners", partners, methods=["GET"]),
        Route("/partners/{key}", partner, methods=["GET"]),
        Route("/reports", reports, methods=["GET"]),
        Route("/reports/{key}", report, methods=["GET"]),
        Route("/distinguished", distinguished, methods=["GET"]),
        Route("/static/site.css", stylesheet, methods=["GET"]),
        Route("/api/partners", api_partners, methods=["GET"]),
        Route("/api/partners/{key}", api_partner, methods=["GET"]),
        Route("/api/reports", api_reports, methods=["GET"]),
        Route("/api/reports/{key}", api_report, methods=["GET"]),
        Route("/api/distinguished", api_distinguished, methods=["GET"]),
        Route("/api/distinguished.json", api_distinguished, methods=["GET"]),
    ]


def public_app(runtime: Runtime) -> Starlette:
    """An app serving only the public pages (``creditbot site serve``, a preview)."""
    app = Starlette(routes=web_routes(runtime))
    app.state.runtime = runtime
    return app
