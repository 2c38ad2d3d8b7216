"""The public pages as HTML: each function reads through a unit of work and renders a
template; None means "no such page" (404).

The same functions serve ``creditbot serve`` and write the static export: only the
:class:`~bot.web.links.Links` differ (absolute paths, or files relative to the page).

(Just over 300 lines: one short function a page, and the template environment they share.)
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from bot.config import ProgrammeConfig
from bot.messages.escaping import without_bidi_controls
from bot.services.ledger.public_reports import (
    community_health,
    public_report,
    report_months,
    report_page,
)
from bot.services.partners.directory import directory, partner_page, partners_by_year, year_list
from bot.services.partners.leads import lead_counts
from bot.web.charts import activity_chart, line_chart
from bot.web.links import Links
from scoring.directory import DirectoryFilter, normalise_term
from scoring.health import HealthPoint, HealthRules
from scoring.months import Month
from storage.uow import UnitOfWork

TEMPLATES = Path(__file__).resolve().parent / "templates"
STYLESHEET = Path(__file__).resolve().parent / "static" / "site.css"


def _printed(value: Any) -> Any:
    """What a template prints (before autoescape), without direction overrides: names and
    notes come from people (see :data:`bot.messages.escaping.BIDI_CONTROLS`)."""
    if isinstance(value, Markup):  # the charts' SVG, built by us around organisation names
        return Markup(without_bidi_controls(str(value)))
    return without_bidi_controls(value) if isinstance(value, str) else value


_ENV = Environment(
    loader=FileSystemLoader(str(TEMPLATES)),
    autoescape=select_autoescape(["html"]),
    undefined=StrictUndefined,
    trim_blocks=True,
    lstrip_blocks=True,
    finalize=_printed,
)


def _short(month: Month) -> str:
    return month.first_day().strftime("%b %Y")


def render_page(
    template: str,
    config: ProgrammeConfig,
    now: datetime,
    links: Links,
    *,
    section: str,
    api_path: str,
    **context: Any,
) -> str:
    """A template rendered with what every page shows (the site's name, links, date)."""
    updated = now.astimezone(config.tz).strftime("%d %B %Y")
    return _ENV.get_template(template).render(
        community=config.web.community_name,
        links=links,
        static=links.static,
        section=section,
        api_path=api_path,
        updated=updated,
        **context,
    )


def _selected(options: dict[str, tuple[str, ...]], chosen: DirectoryFilter) -> dict[str, str]:
    out: dict[str, str] = {}
    for key in ("service", "region", "language"):
        value = getattr(chosen, key) or ""
        match = next((o for o in options[key] if normalise_term(o) == normalise_term(value)), "")
        out[key] = match or value
    return out


def partners_html(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, links: Links, chosen: DirectoryFilter
) -> str:
    """The directory, filtered by ``chosen``."""
    d = directory(uow, config, now, chosen)
    selected = _selected(d.options, chosen)
    label = " · ".join(v for v in selected.values() if v)
    return render_page(
        "partners.html",
        config,
        now,
        links,
        section="partners",
        api_path="/api/partners",
        d=d,
        selected=selected,
        filter_label=label,
    )


def partner_html(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, links: Links, slug: str
) -> str | None:
    """A listed partner's page."""
    p = partner_page(uow, config, slug, now)
    if p is None:
        return None
    labels = [_short(m) for m in p.months]
    svg = activity_chart(labels, p.activity, f"{p.card.name}: points by type")
    return render_page(
        "partner.html",
        config,
        now,
        links,
        section="partners",
        api_path=f"/api/partners/{slug}",
        p=p,
        activity_svg=svg,
        month_labels=labels,
    )


def year_html(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, links: Links, year: int
) -> str | None:
    """The partners recognised for ``year``."""
    partners = year_list(uow, config, year, now)
    if partners is None:
        return None
    return render_page(
        "year.html",
        config,
        now,
        links,
        section="partners",
        api_path=f"/api/partners/{year}",
        year=year,
        partners=partners,
        years=sorted(partners_by_year(uow, config, now), reverse=True),
    )


class _Chart:
    def __init__(
        self,
        id: str,
        title: str,
        caption: str,
        labels: list[str],
        series: dict[str, list[Any]],
        *,
        percent: bool = False,
        bars: bool = False,
    ) -> None:
        self.id = id
        self.title = title
        self.caption = caption
        self.series = series
        self.unit = "%" if percent else ""
        self.svg: Markup = line_chart(labels, series, title, percent=percent, bars=bars)


def health_charts(points: tuple[HealthPoint, ...]) -> list[_Chart]:
    """The four charts of community health."""
    labels = [_short(p.month) for p in points]

    def pct(value: float) -> float:
        return round(100 * value, 1)

    return [
        _Chart(
            "diversity",
            "Organisational diversity",
            "How many organisations contributed each month.",
            labels,
            {"organisations contributing": [p.organisations for p in points]},
            bars=True,
        ),
        _Chart(
            "shares",
            "Share of contributions",
            "The share of all contributions made for the largest organisation, and by "
            "people contributing for no organisation.",
            labels,
            {
                "largest organisation": [pct(p.top_organisation_share) for p in points],
                "independent contributors": [pct(p.independent_share) for p in points],
            },
            percent=True,
        ),
        _Chart(
            "factors",
            "Elephant Factor and Contributor Absence Factor",
            "The fewest organisations, and the fewest people, making half of the contributions.",
            labels,
            {
                "Elephant Factor": [p.elephant_factor for p in points],
                "Contributor Absence Factor": [p.contributor_absence_factor for p in points],
            },
        ),
        _Chart(
            "contributors",
            "New and inactive contributors",
            "People contributing for the first time, and people who stopped contributing.",
            labels,
            {
                "new contributors": [p.new_contributors for p in points],
                "inactive contributors": [p.inactive_contributors for p in points],
            },
            bars=True,
        ),
    ]


def reports_html(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    now: datetime,
    links: Links,
    *,
    page: int | None = None,
) -> str | None:
    """The list of monthly reports (one page of it; None: all), with the community's
    health; None for a page past the last."""
    shown = report_page(uow, config, now, page)
    if shown is None:
        return None
    points = community_health(uow, config, now)
    return render_page(
        "reports.html",
        config,
        now,
        links,
        section="reports",
        api_path="/api/reports",
        months=shown.links,
        page=shown,
        health_labels=[_short(p.month) for p in points],
        health_charts=health_charts(points),
        rules=HealthRules(),
    )


def report_html(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, links: Links, month: Month
) -> str | None:
    """One month's public report (None for a month not over)."""
    r = public_report(uow, config, month, now)
    if r is None:
        return None
    months = [link.month for link in report_months(uow, config, now)]
    previous = month.previous() if month.previous() in months else None
    following = month.next() if month.next() in months else None
    return render_page(
        "report.html",
        config,
        now,
        links,
        section="reports",
        api_path=f"/api/reports/{month}",
        r=r,
        previous=previous,
        next=following,
    )


def leads_html(uow: UnitOfWork, config: ProgrammeConfig, now: datetime, links: Links) -> str:
    """How many leads went to each region and partner, per quarter."""
    return render_page(
        "leads.html",
        config,
        now,
        links,
        section="leads",
        api_path="/api/reports/leads",
        quarters=lead_counts(uow, config),
    )


def not_found_html(config: ProgrammeConfig, now: datetime, links: Links, message: str) -> str:
    return render_page(
        "not_found.html",
        config,
        now,
        links,
        section="",
        api_path="/api/partners",
        message=message,
    )


def stylesheet() -> str:
    return STYLESHEET.read_text(encoding="utf-8")
