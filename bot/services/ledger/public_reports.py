"""Monthly reports on the web, and the community's health over the last twelve months.

(Over 300 lines: the public monthly report and the health figures read from the same
published copy and the same privacy filter.)

A month's public report says what its shout-out said: the published copy when the
shout-out went out (``published_report``), else the shout-out built now from the
ledger. People who chose not to be shown publicly are left out by name even from a copy
published before they chose so; chat handles (Slack ids, forum usernames) never
appear.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.services.ledger.published import report_from_record
from bot.services.ledger.shoutout import build_shoutout
from bot.services.partners.directory import last_month
from scoring.health import (
    HealthPoint,
    HealthRules,
    MonthActivity,
    health_series,
    months_needed,
)
from scoring.models import MonthlyReport
from scoring.months import Month, months_between
from scoring.shoutout import Correction, PointsChange, ShoutoutContent
from storage.uow import UnitOfWork

HEALTH_MONTHS = 12
#: Months per page of the report list.
REPORTS_PER_PAGE = 24


@dataclass(frozen=True)
class PublicMember:
    rank: int
    name: str
    points: int
    credits: int
    organisation: str | None


@dataclass(frozen=True)
class PublicOrganisation:
    rank: int
    slug: str
    name: str
    points: int
    previous_points: int
    rank_change: int | None


@dataclass(frozen=True)
class PublicChange:
    name: str
    before: int
    after: int


@dataclass(frozen=True)
class PublicCorrection:
    month: str
    members: tuple[PublicChange, ...]
    organisations: tuple[PublicChange, ...]


@dataclass(frozen=True)
class PublicReport:
    month: Month
    published_at: datetime | None
    members: tuple[PublicMember, ...]
    more_members: int
    organisations: tuple[PublicOrganisation, ...]
    more_organisations: int
    contributors: int
    total_points: int
    total_credits: int
    new_contributors: int
    new_members: int
    how_to_get_listed: str
    note: str | None
    corrections: tuple[PublicCorrection, ...]

    @property
    def label(self) -> str:
        return self.month.label()

    def to_json(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "label": self.label,
            "published": self.published_at is not None,
            "published_at": self.published_at.isoformat() if self.published_at else None,
            "members": [
                {
                    "rank": m.rank,
                    "name": m.name,
                    "points": m.points,
                    "credits": m.credits,
                    "organisation": m.organisation,
                }
                for m in self.members
            ],
            "more_members": self.more_members,
            "organisations": [
                {
                    "rank": o.rank,
                    "slug": o.slug,
                    "name": o.name,
                    "points": o.points,
                    "previous_points": o.previous_points,
                    "rank_change": o.rank_change,
                }
                for o in self.organisations
            ],
            "more_organisations": self.more_organisations,
            "contributors": self.contributors,
            "total_points": self.total_points,
            "total_credits": self.total_credits,
            "new_contributors": self.new_contributors,
            "new_members": self.new_members,
            "note": self.note,
            "corrections": [
                {
                    "month": c.month,
                    "members": [
                        {"name": x.name, "before": x.before, "after": x.after} for x in c.members
                    ],
                    "organisations": [
                        {"name": x.name, "before": x.before, "after": x.after}
                        for x in c.organisations
                    ],
                }
                for c in self.corrections
            ],
        }


def is_over(month: Month, config: ProgrammeConfig, now: datetime) -> bool:
    """Whether ``month`` has ended (only ended months have a public report)."""
    return month <= last_month(now, config.tz)


def _content(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month
) -> tuple[ShoutoutContent, MonthlyReport, datetime | None]:
    published = uow.reports.published(str(month))
    if published is not None and "shoutout" in published.content:
        return (
            ShoutoutContent.from_json(published.content["shoutout"]),
            report_from_record(published.content["report"]),
            published.published_at,
        )
    content, report = build_shoutout(uow, config, month)
    return content, report, None


def _public_changes(
    changes: tuple[PointsChange, ...], shown: dict[int, bool]
) -> tuple[PublicChange, ...]:
    out = []
    for c in changes:
        if c.key.isdigit() and not shown.get(int(c.key), True):
            continue
        out.append(PublicChange(c.name, c.before, c.after))
    return tuple(out)


def _public_corrections(
    uow: UnitOfWork, corrections: tuple[Correction, ...]
) -> tuple[PublicCorrection, ...]:
    ids = [int(c.key) for corr in corrections for c in corr.members if c.key.isdigit()]
    shown = uow.public.shown_publicly(ids)
    return tuple(
        PublicCorrection(
            corr.month,
            _public_changes(corr.members, shown),
            tuple(PublicChange(c.name, c.before, c.after) for c in corr.organisations),
        )
        for corr in corrections
    )


def public_report(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month, now: datetime
) -> PublicReport | None:
    """The public report of an ended month (None for a month not over yet)."""
    if not is_over(month, config, now):
        return None
    content, report, published_at = _content(uow, config, month)
    ids = {(m.rank, m.name): m.member_id for m in report.members}
    shown = uow.public.shown_publicly(list(ids.values()))
    members = []
    hidden = 0
    for m in content.members:
        member_id = ids.get((m.rank, m.name))
        if member_id is not None and not shown.get(member_id, True):
            hidden += 1
            continue
        members.append(PublicMember(m.rank, m.name, m.points, m.credits, m.organisation))
    return PublicReport(
        month=month,
        published_at=published_at,
        members=tuple(members),
        more_members=content.more_members + hidden,
        organisations=tuple(
            PublicOrganisation(o.rank, o.slug, o.name, o.points, o.previous_points, o.rank_change)
            for o in content.organisations
        ),
        more_organisations=content.more_organisations,
        contributors=content.contributors,
        total_points=content.total_points,
        total_credits=content.total_credits,
        new_contributors=content.new_contributors,
        new_members=content.new_members,
        how_to_get_listed=content.how_to_get_listed,
        note=content.note,
        corrections=_public_corrections(uow, content.corrections),
    )


@dataclass(frozen=True)
class ReportLink:
    month: Month
    published: bool


def report_months(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime
) -> tuple[ReportLink, ...]:
    """Every ended month since the first contribution, newest first."""
    last = last_month(now, config.tz)
    first_key = uow.monthly.first_month()
    if first_key is None:
        return ()
    first = Month.parse(first_key)
    months = months_between(first, last)
    published = {p.month for p in uow.reports.published_in([str(m) for m in months])}
    return tuple(ReportLink(m, str(m) in published) for m in reversed(months))


@dataclass(frozen=True)
class ReportPage:
    """One page of the report list (newest first); ``number`` 1 is the newest."""

    links: tuple[ReportLink, ...]
    number: int
    count: int


def report_page(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, number: int | None
) -> ReportPage | None:
    """Page ``number`` of the report list (None: every month on one page); None when
    there is no such page (page 1 always exists, even empty)."""
    links = report_months(uow, config, now)
    if number is None:
        return ReportPage(links, 1, 1)
    count = max(1, -(-len(links) // REPORTS_PER_PAGE))
    if not 1 <= number <= count:
        return None
    start = (number - 1) * REPORTS_PER_PAGE
    return ReportPage(links[start : start + REPORTS_PER_PAGE], number, count)


def community_health(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    now: datetime,
    count: int = HEALTH_MONTHS,
    rules: HealthRules | None = None,
) -> tuple[HealthPoint, ...]:
    """The health figures of the ``count`` months ending with the month just ended."""
    rules = rules or HealthRules()
    last = last_month(now, config.tz)
    months = [last.shift(-k) for k in range(count - 1, -1, -1)]
    first_needed, _ = months_needed(months, rules)
    activity: list[MonthActivity] = []
    first_key = uow.monthly.first_month()
    start_month = max(first_needed, Month.parse(first_key)) if first_key else last.next()
    for month in months_between(start_month, last):
        by_member: dict[int, int] = defaultdict(int)
        by_org: dict[str, int] = defaultdict(int)
        independent = 0
        for member_id, organisation, n in uow.monthly.contributions(str(month)):
            by_member[member_id] += n
            if organisation is None:
                independent += n
            else:
                by_org[organisation] += n
        activity.append(MonthActivity(month, dict(by_member), dict(by_org), independent))
    # only who first contributed within the window matters (new contributors per month)
    first_contribution = {
        member: Month.parse(first)
        for member, first in uow.monthly.first_months_from(str(months[0])).items()
    }
    return health_series(months, activity, first_contribution, rules)


def health_to_json(points: tuple[HealthPoint, ...]) -> list[dict[str, Any]]:
    return [
        {
            "month": str(p.month),
            "contributions": p.contributions,
            "contributors": p.contributors,
            "organisations": p.organisations,
            "top_organisation_share": round(p.top_organisation_share, 4),
            "independent_share": round(p.independent_share, 4),
            "elephant_factor": p.elephant_factor,
            "contributor_absence_factor": p.contributor_absence_factor,
            "new_contributors": p.new_contributors,
            "inactive_contributors": p.inactive_contributors,
        }
        for p in points
    ]
