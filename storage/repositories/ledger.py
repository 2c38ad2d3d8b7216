"""Aggregates over the ledger, computed in SQL (a report loads only sums, never rows)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlmodel import Session

from scoring.models import IdentityKind, MemberTotal
from storage.repositories.members import MemberRepository
from storage.tables import CreditRow, MemberRow, columns

_credit = columns(CreditRow)
_LIVE = _credit.withdrawn_at.is_(None)
_member = columns(MemberRow)
_CHUNK = 500  # ids in one IN list (well under every driver's limit on parameters)


class LedgerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def in_first_credit_order(
        self, member_ids: Iterable[int], start: datetime, end: datetime
    ) -> list[int]:
        """``member_ids`` ordered by their first live credit in ``[start, end)`` (then by
        id); a member without one there is left out. Reads each member's own credits
        through their index, never the whole ledger."""
        ids = sorted(set(member_ids))
        firsts: list[tuple[datetime, int]] = []
        for at in range(0, len(ids), _CHUNK):
            rows = self._session.execute(
                select(_credit.member_id, func.min(_credit.occurred_at))
                .where(
                    _credit.member_id.in_(ids[at : at + _CHUNK]),
                    _credit.occurred_at >= start,
                    _credit.occurred_at < end,
                    _LIVE,
                )
                .group_by(_credit.member_id)
            ).all()
            firsts += [(first_at, int(member_id)) for member_id, first_at in rows]
        return [member_id for _, member_id in sorted(firsts)]

    def new_members(self, start: datetime, end: datetime) -> int:
        """Members (not bots) first seen in ``[start, end)``."""
        return int(
            self._session.execute(
                select(func.count())
                .select_from(MemberRow)
                .where(
                    _member.first_seen >= start,
                    _member.first_seen < end,
                    _member.is_bot.is_(False),
                )
            ).scalar_one()
        )

    def points_by_type(
        self, start: datetime, end: datetime, organisation: str | None = None
    ) -> dict[str, int]:
        query = (
            select(_credit.type, func.sum(_credit.points))
            .where(_credit.occurred_at >= start, _credit.occurred_at < end, _LIVE)
            .group_by(_credit.type)
        )
        if organisation is not None:
            query = query.where(_credit.organisation == organisation)
        return {str(t): int(p) for t, p in self._session.execute(query).all()}


def named_totals(session: Session, rows: Sequence[Sequence[Any]]) -> list[MemberTotal]:
    """Member totals from ``(member id, organisation, points, credits, latest)`` groups.

    A member counted for several organisations is shown with the one that got most of
    their points (ties: the latest credit's).
    """
    points: dict[int, int] = defaultdict(int)
    counts: dict[int, int] = defaultdict(int)
    best: dict[int, tuple[int, str, str | None]] = {}
    for member_id, organisation, total, count, latest in rows:
        points[member_id] += int(total)
        counts[member_id] += int(count)
        key = (int(total), str(latest))
        if member_id not in best or key > best[member_id][:2]:
            best[member_id] = (key[0], key[1], organisation)
    if not points:
        return []
    ids = sorted(points)
    names = dict(session.execute(select(_member.id, _member.name).where(_member.id.in_(ids))).all())
    identities = MemberRepository(session).identities_of(ids)
    totals: list[MemberTotal] = []
    for member_id in ids:
        ids_of = identities.get(member_id, [])
        totals.append(
            MemberTotal(
                member_id=member_id,
                name=names.get(member_id, f"member {member_id}"),
                points=points[member_id],
                credits=counts[member_id],
                organisation=best[member_id][2],
                slack_id=next((i.value for i in ids_of if i.kind == IdentityKind.SLACK), None),
                discourse_username=next(
                    (i.value for i in ids_of if i.kind == IdentityKind.DISCOURSE), None
                ),
            )
        )
    return totals
