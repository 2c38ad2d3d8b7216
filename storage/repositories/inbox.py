"""The inbox: every event received, keyed so that a redelivery is recognised."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, or_, select, update
from sqlmodel import Session

from storage.sql import insert_one_ignoring_conflicts
from storage.tables import InboxRow, columns, table

_inbox = columns(InboxRow)


@dataclass(frozen=True)
class InboxEntry:
    id: int
    source: str
    key: str
    kind: str
    payload: str
    status: str
    attempts: int


class InboxRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self,
        source: str,
        key: str,
        kind: str,
        payload: str,
        now: datetime,
        status: str = "pending",
        *,
        due: datetime | None = None,
    ) -> int | None:
        """Record an event; its id, or None if this (source, key) was seen before.

        A pending entry is due for retries at ``due`` (default: ``now``).
        """
        return insert_one_ignoring_conflicts(
            self._session,
            table(InboxRow),
            ("source", "key"),
            {
                "source": source,
                "key": key,
                "kind": kind,
                "payload": payload,
                "status": status,
                "attempts": 0,
                "received_at": now,
                "next_attempt_at": now if due is None else due,
            },
        )

    def seen(self, source: str, key: str) -> bool:
        return (
            self._session.execute(
                select(_inbox.id).where(_inbox.source == source, _inbox.key == key)
            ).first()
            is not None
        )

    def mark_done(self, entry_id: int, now: datetime) -> None:
        self._session.execute(
            update(InboxRow)
            .where(_inbox.id == entry_id)
            .values(status="done", processed_at=now, last_error=None)
        )

    def mark_retry(self, entry_id: int, error: str, next_attempt_at: datetime) -> None:
        self._session.execute(
            update(InboxRow)
            .where(_inbox.id == entry_id)
            .values(
                status="pending",
                attempts=_inbox.attempts + 1,
                last_error=error,
                next_attempt_at=next_attempt_at,
            )
        )

    def mark_failed(self, entry_id: int, error: str) -> None:
        self._session.execute(
            update(InboxRow).where(_inbox.id == entry_id).values(status="failed", last_error=error)
        )

    def due(self, source: str, now: datetime, limit: int = 100) -> list[InboxEntry]:
        """Pending entries of a source whose next attempt is due, oldest first."""
        rows = self._session.execute(
            select(InboxRow)
            .where(
                _inbox.source == source,
                _inbox.status == "pending",
                or_(_inbox.next_attempt_at.is_(None), _inbox.next_attempt_at <= now),
            )
            .order_by(_inbox.id)
            .limit(limit)
        ).scalars()
        return [
            InboxEntry(r.id or 0, r.source, r.key, r.kind, r.payload, r.status, r.attempts)
            for r in rows
        ]

    def backlog(self) -> tuple[int, datetime | None]:
        """How many entries are pending (all sources), and when the oldest was received."""
        count, oldest = self._session.execute(
            select(func.count(), func.min(_inbox.received_at)).where(_inbox.status == "pending")
        ).one()
        return int(count), oldest
