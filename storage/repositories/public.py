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

    def contributions(self, start: datetime, end: datetime) -> list[tuple[int, str | None, int]]:
        """``(member id, organisation or None, live credits)`` in ``[start, end)``."""
        rows = self._session.execute(
            select(_credit.member_id, _credit.organisation, func.count())
            .where(_credit.occurred_at >= start, _credit.occurred_at < end, _LIVE)
            .group_by(_credit.member_id, _credit.organisation)
        ).all()
        return [(int(m), None if o is None else str(o), int(n)) for m, o, n in rows]

    def first_contributions(self) -> dict[int, datetime]:
        """Each contributor's first live credit."""
        rows = self._session.execute(
            select(_credit.member_id, func.min(_credit.occurred_at))
            .where(_LIVE)
            .group_by(_credit.member_id)
        ).all()
        return {int(m): at for m, at in rows if isinstance(at, datetime)}

    def first_credit_at(self) -> datetime | None:
        """When the first live credit happened, or None."""
        value = self._session.execute(select(func.min(_credit.occurred_at)).where(_LIVE)).scalar()
        return value if isinstance(value, datetime) else None

    def contributors(self, organisation: str, start: datetime, end: datetime) -> list[Contributor]:
        """People whose live credits in ``[start, end)`` counted for ``organisation``,
        most points first (bots left out)."""
        rows = self._session.execute(
            select(
                _credit.member_id,
                _member.name,
                _member.show_publicly,
                func.sum(_credit.points),
                func.count(),
            )
            .join(MemberRow, _member.id == _credit.member_id)
            .where(
                _credit.organisation == organisation,
                _credit.occurred_at >= start,
                _credit.occurred_at < end,
                _LIVE,
                _member.is_bot.is_(False),
            )
            .group_by(_credit.member_id, _member.name, _member.show_publicly)
        ).all()
        people = [
            Contributor(int(m), str(name), int(points), int(count), bool(shown))
            for m, name, shown, points, count in rows
        ]
        people.sort(key=lambda c: (-c.points, c.name.casefold(), c.member_id))
        return people

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
