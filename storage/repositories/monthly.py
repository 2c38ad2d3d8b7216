"""Reading the maintained monthly figures (``storage.repositories.rollups`` keeps them).

Months are ``YYYY-MM`` keys in the programme's timezone; every query reads a few
rows per month and organisation or member, never the ledger.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import and_, exists, func, select
from sqlmodel import Session

from scoring.models import MemberTotal
from storage.repositories.ledger import named_totals
from storage.repositories.public import Contributor
from storage.repositories.rollups import INDEPENDENT
from storage.tables import MemberMonthRow, MemberRow, OrganisationMonthRow, columns, table

_cell = columns(MemberMonthRow)
_org = columns(OrganisationMonthRow)
_member = columns(MemberRow)


@dataclass(frozen=True)
class MonthTotals:
    """A month's live credits in all."""

    points: int
    credits: int
    contributors: int


class MonthlyFigures:
    def __init__(self, session: Session) -> None:
        self._session = session

    def member_totals(self, month: str) -> list[MemberTotal]:
        """Each member's points and credit count in ``month`` (as ``LedgerRepository``)."""
        rows = self._session.execute(
            select(
                _cell.member_id,
                _cell.organisation,
                _cell.points,
                _cell.credits,
                _cell.last_at,
            ).where(_cell.month == month)
        ).all()
        return named_totals(
            self._session, [(m, o or None, p, n, last) for m, o, p, n, last in rows]
        )

    def organisation_points(self, month: str) -> dict[str, int]:
        """Points per organisation in ``month`` (independent credits left out)."""
        rows = self._session.execute(
            select(_org.organisation, _org.points).where(
                _org.month == month, _org.organisation != INDEPENDENT
            )
        ).all()
        return {str(slug): int(points) for slug, points in rows}

    def organisation_points_in(self, months: Sequence[str]) -> dict[str, dict[str, int]]:
        """``month -> organisation -> points`` for these months (independent left out)."""
        out: dict[str, dict[str, int]] = {m: {} for m in months}
        rows = self._session.execute(
            select(_org.month, _org.organisation, _org.points).where(
                _org.month.in_(list(months)), _org.organisation != INDEPENDENT
            )
        ).all()
        for month, slug, points in rows:
            out[str(month)][str(slug)] = int(points)
        return out

    def totals(self, month: str) -> MonthTotals:
        points, credits = self._session.execute(
            select(func.sum(_org.points), func.sum(_org.credits)).where(_org.month == month)
        ).one()
        contributors = self._session.execute(
            select(func.count(func.distinct(_cell.member_id))).where(_cell.month == month)
        ).scalar()
        return MonthTotals(int(points or 0), int(credits or 0), int(contributors or 0))

    def new_contributors(self, month: str) -> int:
        """Members whose first live credit ever falls in ``month``."""
        return len(self.first_months_from(month, month))

    def first_months_from(self, first: str, last: str | None = None) -> dict[int, str]:
        """The first month of each member whose first live credit is in ``[first, last]``."""
        earlier = table(MemberMonthRow).alias("earlier").c
        query = (
            select(_cell.member_id, func.min(_cell.month))
            .where(
                _cell.month >= first,
                ~exists().where(and_(earlier.member_id == _cell.member_id, earlier.month < first)),
            )
            .group_by(_cell.member_id)
        )
        if last is not None:
            query = query.where(_cell.month <= last)
        return {int(m): str(month) for m, month in self._session.execute(query).all()}

    def first_month(self) -> str | None:
        """The month of the first live credit, or None."""
        value = self._session.execute(select(func.min(_org.month))).scalar()
        return None if value is None else str(value)

    def contributions(self, month: str) -> list[tuple[int, str | None, int]]:
        """``(member id, organisation or None, live credits)`` in ``month``."""
        rows = self._session.execute(
            select(_cell.member_id, _cell.organisation, _cell.credits).where(_cell.month == month)
        ).all()
        return [(int(m), str(o) or None, int(n)) for m, o, n in rows]

    def contributors(self, organisation: str, month: str) -> list[Contributor]:
        """People whose live credits in ``month`` counted for ``organisation``, most
        points first (bots left out)."""
        rows = self._session.execute(
            select(
                _cell.member_id, _member.name, _member.show_publicly, _cell.points, _cell.credits
            )
            .join(MemberRow, _member.id == _cell.member_id)
            .where(
                _cell.month == month,
                _cell.organisation == organisation,
                _member.is_bot.is_(False),
            )
        ).all()
        people = [
            Contributor(int(m), str(name), int(points), int(count), bool(shown))
            for m, name, shown, points, count in rows
        ]
        people.sort(key=lambda c: (-c.points, c.name.casefold(), c.member_id))
        return people
