"""A month's numbers, from the maintained monthly figures (equal to the ledger's)."""

from __future__ import annotations

from typing import Any

from bot.config import ProgrammeConfig
from scoring.models import MonthlyReport
from scoring.months import Month
from scoring.rankings import build_report
from storage.uow import UnitOfWork


def monthly_report(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> MonthlyReport:
    """The live numbers of ``month`` (credits as they stand now)."""
    start, end = month.bounds(config.tz)
    key, previous = str(month), str(month.previous())
    organisations = uow.organisations.all()
    excluded = (
        frozenset(o.slug for o in organisations if o.staff)
        if config.shoutout.exclude_staff
        else frozenset()
    )
    return build_report(
        month=str(month),
        member_totals=uow.monthly.member_totals(key),
        org_points=uow.monthly.organisation_points(key),
        previous_org_points=uow.monthly.organisation_points(previous),
        org_names={o.slug: o.name for o in organisations},
        new_contributors=uow.monthly.new_contributors(key),
        new_members=uow.ledger.new_members(start, end),
        excluded_organisations=excluded,
    )


def report_to_json(report: MonthlyReport) -> dict[str, Any]:
    """The contract's JSON shape of ``report --format json``."""
    return {
        "month": report.month,
        "members": [
            {
                "name": m.name,
                "slack_id": m.slack_id,
                "discourse_username": m.discourse_username,
                "organisation": m.organisation,
                "points": m.points,
                "credits": m.credits,
            }
            for m in report.members
        ],
        "organisations": [
            {
                "slug": o.slug,
                "name": o.name,
                "points": o.points,
                "rank": o.rank,
                "previous_points": o.previous_points,
                "delta_points": o.delta_points,
                "previous_rank": o.previous_rank,
            }
            for o in report.organisations
        ],
        "new_contributors": report.new_contributors,
        "new_members": report.new_members,
    }
