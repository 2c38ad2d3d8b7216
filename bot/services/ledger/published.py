"""The frozen record of published months, and the corrections made after publication.

When a month's shout-out is posted, its whole report is stored (``published_report``).
``report --month`` then shows what was published, not what the ledger says today
(``--live`` for that). A credit added or withdrawn later for a published month is a
*correction*: the next month's shout-out and report list it (before -> after), and once
published, the corrected numbers are the new baseline for later corrections.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.services.ledger.reports import monthly_report
from scoring.models import MonthlyReport, RankedMember, RankedOrganisation
from scoring.months import Month
from scoring.shoutout import Correction, PointsChange
from storage.uow import UnitOfWork

RECORD_VERSION = 1
CORRECTION_WINDOW_MONTHS = 12


def report_record(report: MonthlyReport) -> dict[str, Any]:
    """Everything of a report, as JSON data (the frozen copy)."""
    return {
        "month": report.month,
        "members": [
            {
                "rank": m.rank,
                "member_id": m.member_id,
                "name": m.name,
                "points": m.points,
                "credits": m.credits,
                "organisation": m.organisation,
                "slack_id": m.slack_id,
                "discourse_username": m.discourse_username,
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
                "previous_rank": o.previous_rank,
            }
            for o in report.organisations
        ],
        "new_contributors": report.new_contributors,
        "new_members": report.new_members,
        "total_points": report.total_points,
        "total_credits": report.total_credits,
    }


def report_from_record(record: dict[str, Any]) -> MonthlyReport:
    """The report a frozen copy was made of."""
    return MonthlyReport(
        month=record["month"],
        members=tuple(RankedMember(**m) for m in record["members"]),
        organisations=tuple(RankedOrganisation(**o) for o in record["organisations"]),
        new_contributors=int(record["new_contributors"]),
        new_members=int(record["new_members"]),
        total_points=int(record.get("total_points", 0)),
        total_credits=int(record.get("total_credits", 0)),
    )


@dataclass
class _Baseline:
    members: dict[str, PointsChange]
    organisations: dict[str, PointsChange]


def _baseline_of(record: dict[str, Any]) -> _Baseline:
    members = {
        str(m["member_id"]): PointsChange(
            str(m["member_id"]),
            m["name"],
            int(m["points"]),
            int(m["points"]),
            m.get("slack_id"),
            m.get("discourse_username"),
        )
        for m in record["members"]
    }
    organisations = {
        o["slug"]: PointsChange(o["slug"], o["name"], int(o["points"]), int(o["points"]))
        for o in record["organisations"]
        if int(o["points"])
    }
    return _Baseline(members, organisations)


def _changes(
    before: dict[str, PointsChange], after: dict[str, PointsChange]
) -> tuple[PointsChange, ...]:
    changes: list[PointsChange] = []
    for key in sorted(set(before) | set(after)):
        old, new = before.get(key), after.get(key)
        old_points = old.after if old else 0
        new_points = new.after if new else 0
        if old_points != new_points:
            who = new or old
            assert who is not None
            changes.append(
                PointsChange(
                    key, who.name, old_points, new_points, who.slack_id, who.discourse_username
                )
            )
    changes.sort(key=lambda c: (-abs(c.delta), c.name.casefold(), c.key))
    return tuple(changes)


def corrections_since_published(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    month: Month,
    window: int = CORRECTION_WINDOW_MONTHS,
) -> tuple[Correction, ...]:
    """Changes to months published before ``month`` not yet shown in any published report."""
    months = [str(month.shift(-k)) for k in range(window, 0, -1)]
    published = uow.reports.published_in(months)
    baselines = {p.month: _baseline_of(p.content["report"]) for p in published}
    for p in published:  # oldest first: a later correction overrides an earlier one
        for data in p.content.get("shoutout", {}).get("corrections", []):
            earlier = Correction.from_json(data)
            base = baselines.get(earlier.month)
            if base is None:
                continue
            for change in earlier.members:
                base.members[change.key] = change
            for change in earlier.organisations:
                base.organisations[change.key] = change
    corrections: list[Correction] = []
    for name, base in sorted(baselines.items()):
        live = monthly_report(uow, config, Month.parse(name))
        live_members = {
            str(m.member_id): PointsChange(
                str(m.member_id), m.name, m.points, m.points, m.slack_id, m.discourse_username
            )
            for m in live.members
        }
        live_orgs = {
            o.slug: PointsChange(o.slug, o.name, o.points, o.points)
            for o in live.organisations
            if o.points
        }
        found = Correction(
            name, _changes(base.members, live_members), _changes(base.organisations, live_orgs)
        )
        if found.members or found.organisations:
            corrections.append(found)
    return tuple(corrections)


@dataclass(frozen=True)
class ReportView:
    """A month's report as shown: the published copy, or the live numbers."""

    report: MonthlyReport
    published_at: datetime | None
    corrections: tuple[Correction, ...]


def report_for(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month, *, live: bool = False
) -> ReportView:
    """What was published for ``month`` (unless ``live``), else the ledger as it stands."""
    if not live:
        published = uow.reports.published(str(month))
        if published is not None:
            shoutout = published.content.get("shoutout", {})
            return ReportView(
                report_from_record(published.content["report"]),
                published.published_at,
                tuple(Correction.from_json(c) for c in shoutout.get("corrections", [])),
            )
    return ReportView(
        monthly_report(uow, config, month),
        None,
        corrections_since_published(uow, config, month),
    )
