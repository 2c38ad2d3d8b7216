"""The public pages' data as JSON (``/api/...``), from the same services as the HTML."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.services.ledger.public_reports import (
    community_health,
    health_to_json,
    public_report,
    report_page,
)
from bot.services.partners.directory import directory, partner_page, partners_by_year, year_list
from bot.services.partners.leads import lead_counts
from scoring.directory import DirectoryFilter
from scoring.health import HealthRules
from scoring.months import Month
from storage.uow import UnitOfWork


def partners_json(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, chosen: DirectoryFilter
) -> dict[str, Any]:
    return directory(uow, config, now, chosen).to_json()


def partner_json(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, slug: str
) -> dict[str, Any] | None:
    page = partner_page(uow, config, slug, now)
    return None if page is None else page.to_json()


def year_json(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, year: int
) -> dict[str, Any] | None:
    partners = year_list(uow, config, year, now)
    if partners is None:
        return None
    return {
        "year": year,
        "partners": [
            {"slug": p.slug, "name": p.name, "listed_now": p.listed_now} for p in partners
        ],
        "years": sorted(partners_by_year(uow, config, now), reverse=True),
    }


def reports_json(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, *, page: int | None = None
) -> dict[str, Any] | None:
    """The report list (one page of it; None: all) and the health figures."""
    shown = report_page(uow, config, now, page)
    if shown is None:
        return None
    rules = HealthRules()
    return {
        "months": [
            {"month": str(r.month), "label": r.month.label(), "published": r.published}
            for r in shown.links
        ],
        "page": shown.number,
        "pages": shown.count,
        "health": health_to_json(community_health(uow, config, now, rules=rules)),
        "health_rules": {
            "quiet_months": rules.quiet_months,
            "lookback_months": rules.lookback_months,
        },
    }


def report_json(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, month: Month
) -> dict[str, Any] | None:
    report = public_report(uow, config, month, now)
    return None if report is None else report.to_json()


def leads_json(uow: UnitOfWork, config: ProgrammeConfig) -> dict[str, Any]:
    return {
        "quarters": [
            {
                "quarter": q.quarter,
                "total": q.total,
                "regions": [{"region": name, "leads": n} for name, n in q.by_region],
                "partners": [{"partner": name, "leads": n} for name, n in q.by_partner],
            }
            for q in lead_counts(uow, config)
        ]
    }
