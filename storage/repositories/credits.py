"""The credit ledger: append, withdraw, re-attribute. Never delete.

Every write here also refreshes the maintained monthly figures it touched
(:mod:`storage.repositories.rollups`), in the same transaction.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlmodel import Session

from scoring.models import Credit
from storage.bulk import insert_rows
from storage.repositories.rollups import RollupRepository
from storage.sql import bulk_insert_ignoring_conflicts, insert_one_ignoring_conflicts
from storage.tables import CreditRow, columns, table

_CREDIT_KEY = ("source", "source_ref")

_credit = columns(CreditRow)
#: The columns of :meth:`CreditRepository.add_rows`' tuples, in order.
ROW_KEYS = (
    "member_id",
    "type",
    "points",
    "occurred_at",
    "source",
    "source_ref",
    "explicit_organisation",
    "organisation",
    "granted_by",
    "note",
    "created_at",
)
#: Above this many new credits, ``add_many`` rebuilds the months they fall in at once.
BULK_REBUILD_ROWS = 2000


def credit_values(credit: Credit, now: datetime) -> dict[str, Any]:
    """The column values of a new credit row."""
    return {
        "member_id": credit.member_id,
        "type": credit.type,
        "points": credit.points,
        "occurred_at": credit.occurred_at,
        "source": credit.source,
        "source_ref": credit.source_ref,
        "explicit_organisation": credit.explicit_organisation,
        "organisation": credit.organisation,
        "granted_by": credit.granted_by,
        "note": credit.note,
        "created_at": now,
    }


class CreditRepository:
    def __init__(self, session: Session) -> None:
        self._session = session
        self._rollups = RollupRepository(session)

    def add(self, credit: Credit, now: datetime) -> Credit | None:
        """Append a credit; None (and nothing stored) if its source reference is known."""
        credit_table = table(CreditRow)
        new_id = insert_one_ignoring_conflicts(
            self._session, credit_table, _CREDIT_KEY, credit_values(credit, now)
        )
        if new_id is None:
            return None
        self._rollups.refresh([(credit.member_id, credit.occurred_at)])
        return self.get(new_id)

    def add_many(self, values: Sequence[dict[str, Any]], *, refresh_rollups: bool = True) -> int:
        """Bulk append (rows from :func:`credit_values`); known references are skipped.

        Returns how many rows were new. ``refresh_rollups=False`` leaves the monthly
        figures to the caller, who must rebuild the months it touched
        (``RollupRepository.rebuild_moments``) before committing.
        """
        if not values:
            return 0
        added = bulk_insert_ignoring_conflicts(self._session, table(CreditRow), _CREDIT_KEY, values)
        if added and refresh_rollups:
            touched = [(int(v["member_id"]), v["occurred_at"]) for v in values]
            if len(values) > BULK_REBUILD_ROWS:
                self._rollups.rebuild_moments([at for _, at in touched])
            else:
                self._rollups.refresh(touched)
        return added

    def add_rows(
        self,
        rows: Sequence[tuple[Any, ...]],
        keys: Sequence[str] = ROW_KEYS,
        constants: Mapping[str, str | None] | None = None,
    ) -> int:
        """Bulk append tuples of driver values in ``keys`` order (:data:`ROW_KEYS` by
        default; datetimes from :func:`storage.bulk.moment_param`), with ``constants``
        for the columns every row shares; known references are skipped. Returns how
        many rows were new. The caller brings the monthly figures of what it added up
        to date (``RollupRepository.add_cells`` or ``rebuild_moments``) before committing.
        """
        credits = table(CreditRow)
        return insert_rows(self._session, credits, keys, _CREDIT_KEY, rows, constants)

    def get(self, credit_id: int) -> Credit | None:
        row = self._session.get(CreditRow, credit_id)
        return None if row is None else to_credit(row)

    def by_ref(self, source: str, source_ref: str) -> Credit | None:
        row = self._session.execute(
            select(CreditRow).where(_credit.source == source, _credit.source_ref == source_ref)
        ).scalar_one_or_none()
        return None if row is None else to_credit(row)

    def withdraw(
        self, source: str, source_ref: str, at: datetime, by: str | None, reason: str
    ) -> Credit | None:
        """Mark a credit withdrawn (kept on record); None if absent or already withdrawn."""
        result = self._session.execute(
            update(CreditRow)
            .where(
                _credit.source == source,
                _credit.source_ref == source_ref,
                _credit.withdrawn_at.is_(None),
            )
            .values(withdrawn_at=at, withdrawn_by=by, withdrawn_reason=reason)
        )
        if not cast(CursorResult[Any], result).rowcount:
            return None
        withdrawn = self.by_ref(source, source_ref)
        if withdrawn is not None:
            self._rollups.refresh([(withdrawn.member_id, withdrawn.occurred_at)])
        return withdrawn

    def for_member(
        self,
        member_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        include_withdrawn: bool = False,
    ) -> list[Credit]:
        """The member's credits in ``[start, end)``, oldest first."""
        query = select(CreditRow).where(_credit.member_id == member_id)
        if start is not None:
            query = query.where(_credit.occurred_at >= start)
        if end is not None:
            query = query.where(_credit.occurred_at < end)
        if not include_withdrawn:
            query = query.where(_credit.withdrawn_at.is_(None))
        rows = self._session.execute(query.order_by(_credit.occurred_at, _credit.id))
        return [to_credit(r) for r in rows.scalars()]

    def withdrawals(self, member_id: int, limit: int) -> tuple[list[tuple[Credit, str]], int]:
        """The member's withdrawn credits, latest withdrawal first (at most ``limit``), each
        with the reason stored (or ""); and how many there are in all."""
        query = select(CreditRow).where(
            _credit.member_id == member_id, _credit.withdrawn_at.is_not(None)
        )
        rows = list(
            self._session.execute(
                query.order_by(_credit.withdrawn_at.desc(), _credit.id.desc())
            ).scalars()
        )
        return [(to_credit(r), r.withdrawn_reason or "") for r in rows[:limit]], len(rows)

    def set_organisations(self, changes: Iterable[tuple[int, str | None]]) -> int:
        """Re-attribute credits: ``(credit id, organisation)`` pairs. Returns the count."""
        changed: list[int] = []
        for credit_id, organisation in changes:
            self._session.execute(
                update(CreditRow).where(_credit.id == credit_id).values(organisation=organisation)
            )
            changed.append(credit_id)
        self._rollups.refresh_credits(changed)
        return len(changed)


def to_credit(row: CreditRow) -> Credit:
    return Credit(
        id=row.id,
        member_id=row.member_id,
        type=row.type,
        points=row.points,
        occurred_at=row.occurred_at,
        source=row.source,
        source_ref=row.source_ref,
        note=row.note,
        granted_by=row.granted_by,
        explicit_organisation=row.explicit_organisation,
        organisation=row.organisation,
        withdrawn_at=row.withdrawn_at,
    )
