"""Leads (referrals): who got which, and when. Private; the public sees counts only."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from scoring.records import Lead
from storage.repositories.rollups import bump_public_version
from storage.tables import LeadRow, columns

_lead = columns(LeadRow)


class LeadRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        organisation: str,
        region: str,
        category: str,
        size: str | None,
        note: str,
        reason: str,
        created_by: str | None,
        now: datetime,
    ) -> Lead:
        """Record a lead given to ``organisation`` (flushed, so it has an id)."""
        row = LeadRow(
            organisation=organisation,
            region=region,
            category=category,
            size=size,
            note=note,
            reason=reason,
            created_by=created_by,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        bump_public_version(self._session)
        return _to_lead(row)

    def last_given(self) -> dict[str, datetime]:
        """When each organisation last got a lead."""
        rows = self._session.execute(
            select(_lead.organisation, func.max(_lead.created_at)).group_by(_lead.organisation)
        ).all()
        return {str(slug): at for slug, at in rows if isinstance(at, datetime)}

    def all(self) -> list[Lead]:
        """Every lead, oldest first."""
        rows = self._session.execute(select(LeadRow).order_by(_lead.created_at, _lead.id))
        return [_to_lead(r) for r in rows.scalars()]

    def placements(self) -> list[tuple[datetime, str, str]]:
        """``(when, region, organisation)`` of every lead: what the public counts are made of."""
        rows = self._session.execute(
            select(_lead.created_at, _lead.region, _lead.organisation).order_by(_lead.created_at)
        ).all()
        return [(at, str(region), str(org)) for at, region, org in rows]


def _to_lead(row: LeadRow) -> Lead:
    return Lead(
        id=row.id or 0,
        organisation=row.organisation,
        region=row.region,
        category=row.category,
        size=row.size,
        note=row.note,
        reason=row.reason,
        created_by=row.created_by,
        created_at=row.created_at,
    )
