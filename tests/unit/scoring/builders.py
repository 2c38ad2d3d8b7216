"""Small builders for pure tests."""

from __future__ import annotations

from datetime import UTC, date, datetime

from scoring.models import Affiliation, AffiliationSource, Credit, MemberTotal


def make_credit(
    member_id: int = 1,
    when: datetime | None = None,
    *,
    id: int = 1,
    points: int = 2,
    organisation: str | None = None,
    explicit: str | None = None,
    type: str = "support",
) -> Credit:
    return Credit(
        id=id,
        member_id=member_id,
        type=type,
        points=points,
        occurred_at=when or datetime(2026, 5, 15, 12, tzinfo=UTC),
        source="test",
        source_ref=f"ref-{id}",
        explicit_organisation=explicit,
        organisation=organisation,
    )


def manual(org: str, start: date | None = None, end: date | None = None) -> Affiliation:
    return Affiliation(1, org, AffiliationSource.MANUAL, start, end)


def domain(org: str, start: date | None = None, end: date | None = None) -> Affiliation:
    return Affiliation(1, org, AffiliationSource.DOMAIN, start, end)


def make_total(member_id: int, name: str, points: int, credits: int = 1) -> MemberTotal:
    return MemberTotal(member_id=member_id, name=name, points=points, credits=credits)
