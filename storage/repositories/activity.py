"""Activity: a daily roll-up of what members did that is not a credit (messages, posts, joins)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import bindparam, case, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from storage.tables import ActivityRow, columns, table

_activity = columns(ActivityRow)


class ActivityRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, member_id: int, kind: str, at: datetime, day: date) -> None:
        """Count one thing of ``kind`` the member did at ``at`` on ``day`` (the programme's
        calendar day): one row per (member, day, kind) keeps the count and the latest moment."""
        dialect = self._session.get_bind().dialect.name
        values = {"member_id": member_id, "day": day, "kind": kind, "last_at": at}
        self._session.execute(_upsert(dialect), values)

    def on_day(self, member_id: int, day: date) -> dict[str, int]:
        """What the member did on ``day``: a count per kind."""
        rows = self._session.execute(
            select(_activity.kind, _activity.count).where(
                _activity.member_id == member_id, _activity.day == day
            )
        ).all()
        return {str(kind): int(count) for kind, count in rows}


_UPSERTS: dict[str, Any] = {}


def _upsert(dialect: str) -> Any:
    """The upsert of :meth:`ActivityRepository.record`, built once per dialect (a Slack
    message runs it: building it each time cost as much as running it)."""
    if dialect not in _UPSERTS:
        insert: Any
        if dialect == "postgresql":
            insert = postgresql.insert(table(ActivityRow))
        elif dialect == "sqlite":
            insert = sqlite.insert(table(ActivityRow))
        else:  # pragma: no cover - only the two supported databases
            raise ValueError(f"unsupported database dialect {dialect!r}")
        insert = insert.values(
            member_id=bindparam("member_id", type_=_activity.member_id.type),
            day=bindparam("day", type_=_activity.day.type),
            kind=bindparam("kind", type_=_activity.kind.type),
            count=1,
            last_at=bindparam("last_at", type_=_activity.last_at.type),
        )
        later = insert.excluded.last_at > _activity.last_at
        _UPSERTS[dialect] = insert.on_conflict_do_update(
            index_elements=["member_id", "day", "kind"],
            set_={
                "count": _activity.count + 1,
                "last_at": case((later, insert.excluded.last_at), else_=_activity.last_at),
            },
        )
    return _UPSERTS[dialect]
