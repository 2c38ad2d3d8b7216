"""Read-only aggregates behind the public pages (counts and sums, never private records)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import Session

from storage.tables import CreditRow, MemberRow, columns

_credit = columns(CreditRow)
_member = columns(MemberRow)
_LIVE = _credit.withdrawn_at.is_(None)


@dataclass(frozen=True)
class Contributor:
    """A person's contributions counted for one organisation in a period."""

    member_id: int
    name: str
    points: int
    credits: int
    show_publicly: bool


class PublicRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def by_type(
        self, organisation: str, start: datetime, end: datetime
    ) -> dict[str, tuple[int, int]]:
        """``type -> (credits, points)`` counted for ``organisation`` in ``[start, end)``."""
        rows = self._session.execute(
            select(_credit.type, func.count(), func.sum(_credit.points))
            .where(
                _credit.organisation == organisation,
                _credit.occurred_at >= start,
                _credit.occurred_at < end,
                _LIVE,
            )
            .group_by(_credit.type)
        ).all()
        return {str(t): (int(n), int(p)) for t, n, p in rows}

    def shown_publicly(self, member_ids: list[int]) -> dict[int, bool]:
        """Whether each of these members may be named in public."""
        if not member_ids:
            return {}
        rows = self._session.execute(
            select(_member.id, _member.show_publicly).where(_member.id.in_(member_ids))
        ).all()
        return {int(m): bool(s) for m, s in rows}
