"""The public pages' routes in ``creditbot serve``.

(Over 300 lines: the route table of the public pages, one short handler a route.)

| route | what |
|---|---|
| ``/partners[?service=&region=&language=]`` | the directory |
| ``/partners/<slug>``, ``/partners/<YYYY>`` | a partner's page; the partners of a year |
| ``/reports[?page=N]``, ``/reports/<YYYY-MM>``, ``/reports/leads`` | reports, health, referrals |
| ``/distinguished`` | the Distinguished Contributors by track |
| ``/api/...`` | the same paths under ``/api``, as JSON |

Handlers are plain functions: Starlette runs them in its thread pool, so database
reads never block the event loop (the Slack endpoint must answer within 3 seconds).
Each request reads through one read-only unit of work, and every response is cached
until what it shows changes (:mod:`bot.web.cache`). What a request names (a month, a
year, a slug, a page number) is checked before any query: out of range is a 404.
"""

from __future__ import annotations

import hashlib
import json as jsonlib
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import BaseRoute, Route

from bot.runtime import Runtime
from bot.web import api, pages
from bot.web.cache import ResponseCache, not_modified, request_key
from bot.web.distinguished import distinguished_html, distinguished_json
from bot.web.links import Links
from scoring.bounds import check_month
from scoring.directory import DirectoryFilter
from scoring.errors import InvalidMonth, OutOfRange
from scoring.months import Month
from storage.repositories.rollups import public_version
from storage.uow import UnitOfWork

_YEAR = re.compile(r"^\d{4}$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]{0,99}$")
_PAGE = re.compile(r"^[1-9]\d{0,3}$")
MAX_FILTER_CHARS = 80
HEADERS = {
    "Content-Security-Policy": (
        "default-src 'none'; style-src 'self' 'unsafe-inline'; img-src 'self' https: data:; "
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
    ),
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
}
HTML, JSON = "text/html; charset=utf-8", "application/json"

#: What a page renders: its body, or None for "no such page".
Render = Callable[[UnitOfWork, datetime], str | dict[str, Any] | None]


def _filter(request: Request) -> DirectoryFilter:
    def value(key: str) -> str | None:
        text = " ".join(request.query_params.get(key, "").split())[:MAX_FILTER_CHARS]
        return text or None

    return DirectoryFilter(value("service"), value("region"), value("language"))


class PublicSite:
    """The public pages of one runtime, with their response cache."""

    def __init__(self, runtime: Runtime) -> None:
        self.runtime = runtime
        self.config = runtime.config
        fingerprint = hashlib.blake2b(
            self.config.model_dump_json().encode(), digest_size=8
        ).hexdigest()
        self.cache = ResponseCache(fingerprint)

    # -- responding --------------------------------------------------------------
    def html(self, request: Request, render: Render, missing: str) -> Response:
        return self._respond(request, render, missing, HTML)

    def json(self, request: Request, render: Render, missing: str) -> Response:
        return self._respond(request, render, missing, JSON)

    def _respond(self, request: Request, render: Render, missing: str, kind: str) -> Response:
        now = self.runtime.now()
        day = now.astimezone(self.config.tz).date().isoformat()
        with self.runtime.reader() as uow:
            key = (
                public_version(uow.session),
                day,
                request_key(request.url.path, request.query_params),
            )
            etag = self.cache.etag(key)
            headers = {**HEADERS, "ETag": etag, "Cache-Control": "no-cache"}
            if not_modified(request.headers.get("if-none-match"), etag):
                return Response(status_code=304, headers=headers)
            cached = self.cache.get_or_render(
                key, lambda: self._body(render(uow, now), now, missing, kind)
            )
        return Response(cached.body, cached.status, headers=headers, media_type=cached.media_type)

    def _body(
        self, body: str | dict[str, Any] | None, now: datetime, missing: str, kind: str
    ) -> tuple[int, bytes, str]:
        status = 200 if body is not None else 404
        if kind == JSON:
            data = body if body is not None else {"error": missing}
            text = jsonlib.dumps(data, ensure_ascii=False, separators=(",", ":"))
            return status, text.encode(), JSON
        if body is None:
            body = pages.not_found_html(self.config, now, Links(), missing)
        return status, str(body).encode(), HTML

    def not_found(self, request: Request, missing: str) -> Response:
        """A 404 for what names no page, answered before any query."""
        if request.url.path.startswith("/api/"):
            return Response(
                jsonlib.dumps({"error": missing}), 404, headers=HEADERS, media_type=JSON
            )
        body = pages.not_found_html(self.config, self.runtime.now(), Links(), missing)
        return Response(body, 404, headers=HEADERS, media_type=HTML)

    # -- what a request names ----------------------------------------------------------
    def month(self, text: str) -> Month | bool | None:
        """A ``YYYY-MM`` from January 2000 to the month of tomorrow; None when ``text``
        is no month, False when the month is out of that range."""
        try:
            month = Month.parse(text)
        except InvalidMonth:
            return None
        try:
            return check_month(month, self.runtime.now().astimezone(self.config.tz).date())
        except OutOfRange:
            return False

    def page(self, request: Request) -> int | None:
        """``?page=N`` (1 when absent); None when it is not a page number."""
        text = request.query_params.get("page", "1")
        return int(text) if _PAGE.match(text) else None


# -- the handlers: each checks what the request names, then renders through the cache ----
def _partners(site: PublicSite, request: Request) -> Response:
    chosen = _filter(request)
    return site.html(
        request, lambda uow, now: pages.partners_html(uow, site.config, now, Links(), chosen), ""
    )


def _partner(site: PublicSite, request: Request) -> Response:
    key = str(request.path_params["key"])
    if _YEAR.match(key):
        year = int(key)
        return site.html(
            request,
            lambda uow, now: pages.year_html(uow, site.config, now, Links(), year),
            f"No partner list for {key}.",
        )
    missing = f"No listed partner called '{key[:100]}'."
    if not _SLUG.match(key):
        return site.not_found(request, missing)
    return site.html(
        request, lambda uow, now: pages.partner_html(uow, site.config, now, Links(), key), missing
    )


def _reports(site: PublicSite, request: Request) -> Response:
    page = site.page(request)
    if page is None:
        return site.not_found(request, "No such page of reports.")
    return site.html(
        request,
        lambda uow, now: pages.reports_html(uow, site.config, now, Links(), page=page),
        "No such page of reports.",
    )


def _report(site: PublicSite, request: Request) -> Response:
    key = str(request.path_params["key"])
    if key == "leads":
        return site.html(
            request, lambda uow, now: pages.leads_html(uow, site.config, now, Links()), ""
        )
    missing = f"No report for '{key[:20]}': reports are for months that have ended (YYYY-MM)."
    month = site.month(key)
    if not isinstance(month, Month):
        return site.not_found(request, missing)
    return site.html(
        request,
        lambda uow, now: pages.report_html(uow, site.config, now, Links(), month),
        missing,
    )


def _distinguished(site: PublicSite, request: Request) -> Response:
    return site.html(
        request, lambda uow, now: distinguished_html(uow, site.config, now, Links()), ""
    )


def _api_partners(site: PublicSite, request: Request) -> Response:
    chosen = _filter(request)
    return site.json(request, lambda uow, now: api.partners_json(uow, site.config, now, chosen), "")


def _api_partner(site: PublicSite, request: Request) -> Response:
    key = str(request.path_params["key"])
    if _YEAR.match(key):
        year = int(key)
        return site.json(
            request,
            lambda uow, now: api.year_json(uow, site.config, now, year),
            f"no partners in {key}",
        )
    missing = f"no listed partner '{key[:100]}'"
    if not _SLUG.match(key):
        return site.not_found(request, missing)
    return site.json(
        request, lambda uow, now: api.partner_json(uow, site.config, now, key), missing
    )


def _api_reports(site: PublicSite, request: Request) -> Response:
    page = site.page(request)
    if page is None:
        return site.not_found(request, "no such page of reports")
    return site.json(
        request,
        lambda uow, now: api.reports_json(uow, site.config, now, page=page),
        "no such page of reports",
    )


def _api_report(site: PublicSite, request: Request) -> Response:
    key = str(request.path_params["key"])
    if key == "leads":
        return site.json(request, lambda uow, now: api.leads_json(uow, site.config), "")
    month = site.month(key)
    missing = f"no report for {key}: the month has not ended"
    if month is None:
        return site.not_found(request, f"'{key[:20]}' is not a month (YYYY-MM)")
    if not isinstance(month, Month):
        return site.not_found(request, missing)
    return site.json(
        request, lambda uow, now: api.report_json(uow, site.config, now, month), missing
    )


def _api_distinguished(site: PublicSite, request: Request) -> Response:
    return site.json(request, lambda uow, now: distinguished_json(uow, site.config, now), "")


def _home(_request: Request) -> Response:
    return RedirectResponse("/partners", 302)


def _stylesheet(_request: Request) -> Response:
    return Response(
        pages.stylesheet(),
        media_type="text/css",
        headers={"Cache-Control": "public, max-age=3600", **HEADERS},
    )


_PAGES: list[tuple[str, Callable[[PublicSite, Request], Response]]] = [
    ("/partners", _partners),
    ("/partners/{key}", _partner),
    ("/reports", _reports),
    ("/reports/{key}", _report),
    ("/distinguished", _distinguished),
    ("/api/partners", _api_partners),
    ("/api/partners/{key}", _api_partner),
    ("/api/reports", _api_reports),
    ("/api/reports/{key}", _api_report),
    ("/api/distinguished", _api_distinguished),
    ("/api/distinguished.json", _api_distinguished),
]


def web_routes(runtime: Runtime) -> list[BaseRoute]:
    """The public pages, their JSON and the stylesheet."""
    site = PublicSite(runtime)

    def bound(handler: Callable[[PublicSite, Request], Response]) -> Callable[..., Response]:
        return lambda request: handler(site, request)

    return [
        Route("/", _home, methods=["GET"]),
        Route("/static/site.css", _stylesheet, methods=["GET"]),
        *(Route(path, bound(handler), methods=["GET"]) for path, handler in _PAGES),
    ]


def public_app(runtime: Runtime) -> Starlette:
    """An app serving only the public pages (``creditbot site serve``, a preview)."""
    app = Starlette(routes=web_routes(runtime))
    app.state.runtime = runtime
    return app
