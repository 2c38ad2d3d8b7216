"""Code-of-conduct records. Private: never shown publicly, never logged beyond their id."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from scoring.records import ConductRecord
from storage.tables import ConductRecordRow, columns

_record = columns(ConductRecordRow)


class ConductRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(
        self,
        occurred_on: date,
        note: str,
        now: datetime,
        *,
        organisation: str | None = None,
        member_id: int | None = None,
        recorded_by: str | None = None,
    ) -> int:
        """Record an incident against an organisation or a member; returns its id."""
        if (organisation is None) == (member_id is None):
            raise ValueError("a conduct record is against one organisation or one member")
        row = ConductRecordRow(
            organisation=organisation,
            member_id=member_id,
            occurred_on=occurred_on,
            note=note,
            recorded_by=recorded_by,
            created_at=now,
        )
        self._session.add(row)
        self._session.flush()
        assert row.id is not None
        return row.id

    def between(self, first: date, last: date) -> list[ConductRecord]:
        """Records dated from ``first`` to ``last`` (both included), oldest first."""
        rows = self._session.execute(
            select(ConductRecordRow)
            .where(_record.occurred_on >= first, _record.occurred_on <= last)
            .order_by(_record.occurred_on, _record.id)
        ).scalars()
        return [_to_record(r) for r in rows]

    def all(self) -> list[ConductRecord]:
        """Every record, newest first."""
        rows = self._session.execute(
            select(ConductRecordRow).order_by(_record.occurred_on.desc(), _record.id.desc())
        ).scalars()
        return [_to_record(r) for r in rows]


def _to_record(row: ConductRecordRow) -> ConductRecord:
    assert row.id is not None
    return ConductRecord(
        id=row.id,
        occurred_on=row.occurred_on,
        note=row.note,
        organisation=row.organisation,
        member_id=row.member_id,
        recorded_by=row.recorded_by,
    )
