"""Activity: a daily roll-up of what members did that is not a credit (messages, posts, joins)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import case, select
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
        values = {"member_id": member_id, "day": day, "kind": kind, "count": 1, "last_at": at}
        insert: Any
        dialect = self._session.get_bind().dialect.name
        if dialect == "postgresql":
            insert = postgresql.insert(table(ActivityRow)).values(**values)
        elif dialect == "sqlite":
            insert = sqlite.insert(table(ActivityRow)).values(**values)
        else:  # pragma: no cover - only the two supported databases
            raise ValueError(f"unsupported database dialect {dialect!r}")
        later = insert.excluded.last_at > _activity.last_at
        self._session.execute(
            insert.on_conflict_do_update(
                index_elements=["member_id", "day", "kind"],
                set_={
                    "count": _activity.count + 1,
                    "last_at": case((later, insert.excluded.last_at), else_=_activity.last_at),
                },
            )
        )

    def on_day(self, member_id: int, day: date) -> dict[str, int]:
        """What the member did on ``day``: a count per kind."""
        rows = self._session.execute(
            select(_activity.kind, _activity.count).where(
                _activity.member_id == member_id, _activity.day == day
            )
        ).all()
        return {str(kind): int(count) for kind, count in rows}
