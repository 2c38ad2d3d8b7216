"""Published reports (the frozen record of what a month's shout-out said) and notes."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from storage.repositories.rollups import bump_public_version
from storage.sql import insert_one_ignoring_conflicts
from storage.tables import PublishedReportRow, ReportNoteRow, columns, table

_published = columns(PublishedReportRow)
_note = columns(ReportNoteRow)


@dataclass(frozen=True)
class PublishedReport:
    month: str
    published_at: datetime
    content: dict[str, Any]


@dataclass(frozen=True)
class ReportNote:
    month: str
    text: str
    author: str | None
    updated_at: datetime


class ReportRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def publish(self, month: str, content: dict[str, Any], now: datetime) -> bool:
        """Freeze what was posted for ``month``; False (nothing changed) if already frozen."""
        bump_public_version(self._session)
        return (
            insert_one_ignoring_conflicts(
                self._session,
                table(PublishedReportRow),
                ("month",),
                {"month": month, "published_at": now, "content": content},
            )
            is not None
        )

    def published(self, month: str) -> PublishedReport | None:
        """What was published for ``month``, or None."""
        row = self._session.execute(
            select(PublishedReportRow).where(_published.month == month)
        ).scalar()
        return None if row is None else PublishedReport(row.month, row.published_at, row.content)

    def published_in(self, months: Sequence[str]) -> list[PublishedReport]:
        """The published reports among ``months``, oldest first."""
        if not months:
            return []
        rows = self._session.execute(
            select(PublishedReportRow)
            .where(_published.month.in_(list(months)))
            .order_by(_published.month)
        ).scalars()
        return [PublishedReport(r.month, r.published_at, r.content) for r in rows]

    def set_note(self, month: str, text: str, author: str | None, now: datetime) -> None:
        """Set (or replace) the programme manager's note for ``month``."""
        bump_public_version(self._session)
        inserted = insert_one_ignoring_conflicts(
            self._session,
            table(ReportNoteRow),
            ("month",),
            {"month": month, "text": text, "author": author, "updated_at": now},
        )
        if inserted is None:
            self._session.execute(
                update(ReportNoteRow)
                .where(_note.month == month)
                .values(text=text, author=author, updated_at=now)
                .execution_options(synchronize_session=False)
            )

    def note(self, month: str) -> ReportNote | None:
        """The note for ``month``, or None."""
        row = self._session.execute(select(ReportNoteRow).where(_note.month == month)).scalar()
        return None if row is None else ReportNote(row.month, row.text, row.author, row.updated_at)
