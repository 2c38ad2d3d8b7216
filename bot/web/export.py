"""``creditbot site build --out DIR``: the public pages as static files.

The same pages as ``creditbot serve``, each written to ``<path>/index.html`` with
links relative to it (so the site works from any folder or web server, and opened
from the disk), plus the stylesheet and the JSON under ``api/``. The directory's
filters become pages of their own, one per service, region and language
(``partners/service/hosting/index.html``), linked from every partner card.

A rebuild replaces the whole previous build (a partner no longer listed must not
keep a page); a folder that is not empty and was not built by creditbot is refused.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from bot.errors import InvalidInput
from bot.runtime import Runtime
from bot.services.ledger.public_reports import report_months
from bot.services.partners.directory import directory, partners_by_year
from bot.web import api, pages
from bot.web.distinguished import distinguished_html, distinguished_json
from bot.web.links import Links, export_file
from scoring.directory import DirectoryFilter
from storage.uow import UnitOfWork

MARKER = ".creditbot-site"


@dataclass
class SiteBuild:
    out: Path
    files: list[str] = field(default_factory=list)

    @property
    def index(self) -> Path:
        return self.out / "index.html"


def _prepare(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise InvalidInput(f"--out: {out} is a file, not a folder")
    if out.exists() and any(out.iterdir()):
        if not (out / MARKER).exists():
            raise InvalidInput(
                f"--out: {out} is not empty and was not built by creditbot; "
                "choose an empty or new folder"
            )
        shutil.rmtree(out)
    out.mkdir(parents=True, exist_ok=True)
    (out / MARKER).write_text("built by `creditbot site build`; rebuilt as a whole\n")


def build_site(runtime: Runtime, out: Path) -> SiteBuild:
    """Write every public page, the stylesheet and the JSON into ``out``."""
    _prepare(out)
    build = SiteBuild(out)

    def write(name: str, text: str) -> None:
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(text, encoding="utf-8")
        build.files.append(name)

    def page(
        path: str,
        render: Callable[[Links], str | None],
        query: dict[str, str] | None = None,
    ) -> None:
        html = render(Links(static=True, here=path, query=query))
        if html is not None:
            write(export_file(path, query), html)

    def data(path: str, payload: dict[str, Any] | None) -> None:
        if payload is not None:
            write(export_file(path), json.dumps(payload, ensure_ascii=False, indent=1))

    write("static/site.css", pages.stylesheet())
    with runtime.reader() as uow:
        _pages(uow, runtime, page, data)
    build.files.sort()
    return build


def _pages(
    uow: UnitOfWork,
    runtime: Runtime,
    page: Callable[..., None],
    data: Callable[[str, dict[str, Any] | None], None],
) -> None:
    config, now = runtime.config, runtime.now()
    everyone = DirectoryFilter()
    page("/", lambda links: pages.partners_html(uow, config, now, links, everyone))
    page("/partners", lambda links: pages.partners_html(uow, config, now, links, everyone))
    data("/api/partners", api.partners_json(uow, config, now, everyone))
    found = directory(uow, config, now)
    for key, values in found.options.items():
        for value in values:
            chosen = DirectoryFilter(**{key: value})
            page(
                "/partners",
                lambda links, chosen=chosen: pages.partners_html(uow, config, now, links, chosen),
                {key: value},
            )
    for card in found.cards:
        slug = card.slug
        page(
            f"/partners/{slug}",
            lambda links, slug=slug: pages.partner_html(uow, config, now, links, slug),
        )
        data(f"/api/partners/{slug}", api.partner_json(uow, config, now, slug))
    for year in partners_by_year(uow, config, now):
        page(f"/partners/{year}", lambda links, y=year: pages.year_html(uow, config, now, links, y))
        data(f"/api/partners/{year}", api.year_json(uow, config, now, year))
    page("/reports", lambda links: pages.reports_html(uow, config, now, links))
    data("/api/reports", api.reports_json(uow, config, now))
    for link in report_months(uow, config, now):
        month = link.month
        page(
            f"/reports/{month}",
            lambda links, m=month: pages.report_html(uow, config, now, links, m),
        )
        data(f"/api/reports/{month}", api.report_json(uow, config, now, month))
    page("/reports/leads", lambda links: pages.leads_html(uow, config, now, links))
    data("/api/reports/leads", api.leads_json(uow, config))
    page("/distinguished", lambda links: distinguished_html(uow, config, now, links))
    data("/api/distinguished", distinguished_json(uow, config, now))
