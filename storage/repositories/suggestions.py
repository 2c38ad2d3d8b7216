"""Suggestions: "is this a contribution?" questions, one per message, decided once."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, and_, func, select, update
from sqlmodel import Session

from scoring.suggestions import Suggestion, SuggestionStatus
from storage.sql import insert_one_ignoring_conflicts
from storage.tables import SuggestionRow, columns, table

_suggestion = columns(SuggestionRow)


class SuggestionRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def create(
        self,
        *,
        channel: str,
        message_ts: str,
        author_member_id: int,
        author_ref: str,
        suggested_type: str,
        occurred_at: datetime,
        now: datetime,
        reason: str = "",
        snippet: str = "",
        permalink: str | None = None,
        suggested_by: str | None = None,
    ) -> Suggestion | None:
        """A new open suggestion; None (nothing written) if that message already has one."""
        new_id = insert_one_ignoring_conflicts(
            self._session,
            table(SuggestionRow),
            ("channel", "message_ts"),
            {
                "channel": channel,
                "message_ts": message_ts,
                "author_member_id": author_member_id,
                "author_ref": author_ref,
                "suggested_by": suggested_by,
                "reason": reason,
                "snippet": snippet,
                "permalink": permalink,
                "suggested_type": suggested_type,
                "occurred_at": occurred_at,
                "status": SuggestionStatus.OPEN.value,
                "created_at": now,
            },
        )
        return None if new_id is None else self.get(new_id)

    def get(self, suggestion_id: int) -> Suggestion | None:
        """The suggestion with that id, read afresh from the database."""
        row = self._session.get(SuggestionRow, suggestion_id, populate_existing=True)
        return None if row is None else _to_suggestion(row)

    def for_message(self, channel: str, message_ts: str) -> Suggestion | None:
        """The suggestion about one message, if there is one."""
        row = self._session.execute(
            select(SuggestionRow).where(
                _suggestion.channel == channel, _suggestion.message_ts == message_ts
            )
        ).scalar_one_or_none()
        return None if row is None else _to_suggestion(row)

    def decide(
        self,
        suggestion_id: int,
        status: SuggestionStatus,
        by: str,
        at: datetime,
        decided_type: str | None,
    ) -> bool:
        """Close an open suggestion; True only for the one caller whose update changed it.

        A conditional ``UPDATE ... WHERE status = 'open'``: of two team leads answering
        at once, the database lets exactly one through.
        """
        if status == SuggestionStatus.OPEN:
            raise ValueError("a decision accepts or rejects")
        result = self._session.execute(
            update(SuggestionRow)
            .where(
                _suggestion.id == suggestion_id,
                _suggestion.status == SuggestionStatus.OPEN.value,
            )
            .values(status=status.value, decided_by=by, decided_at=at, decided_type=decided_type)
            .execution_options(synchronize_session=False)
        )
        return int(cast(CursorResult[Any], result).rowcount or 0) == 1

    def link_credit(self, suggestion_id: int, credit_id: int) -> None:
        """Remember the credit an accepted suggestion gave."""
        self._session.execute(
            update(SuggestionRow)
            .where(_suggestion.id == suggestion_id)
            .values(credit_id=credit_id)
            .execution_options(synchronize_session=False)
        )

    def set_question(self, suggestion_id: int, channel: str, ts: str) -> None:
        """Where the question was posted (channel and message ts)."""
        self._session.execute(
            update(SuggestionRow)
            .where(_suggestion.id == suggestion_id)
            .values(question_channel=channel, question_ts=ts)
            .execution_options(synchronize_session=False)
        )

    def open(self, limit: int = 20) -> list[Suggestion]:
        """Open suggestions, oldest first."""
        rows = self._session.execute(
            select(SuggestionRow)
            .where(_suggestion.status == SuggestionStatus.OPEN.value)
            .order_by(_suggestion.id)
            .limit(limit)
        ).scalars()
        return [_to_suggestion(r) for r in rows]

    def open_asked_before(self, before: datetime, limit: int = 10) -> tuple[list[Suggestion], int]:
        """Open suggestions asked before ``before``, oldest first (at most ``limit``), and
        how many there are in all."""
        waiting = and_(
            _suggestion.status == SuggestionStatus.OPEN.value, _suggestion.created_at < before
        )
        rows = self._session.execute(
            select(SuggestionRow).where(waiting).order_by(_suggestion.id).limit(limit)
        ).scalars()
        total = self._session.execute(
            select(func.count()).select_from(SuggestionRow).where(waiting)
        ).scalar_one()
        return [_to_suggestion(r) for r in rows], int(total)

    def count_open(self) -> int:
        """How many suggestions wait for an answer."""
        return int(
            self._session.execute(
                select(func.count())
                .select_from(SuggestionRow)
                .where(_suggestion.status == SuggestionStatus.OPEN.value)
            ).scalar_one()
        )


def _to_suggestion(row: SuggestionRow) -> Suggestion:
    return Suggestion(
        id=row.id or 0,
        channel=row.channel,
        message_ts=row.message_ts,
        author_member_id=row.author_member_id,
        author_ref=row.author_ref,
        suggested_type=row.suggested_type,
        occurred_at=row.occurred_at,
        reason=row.reason,
        snippet=row.snippet,
        permalink=row.permalink,
        suggested_by=row.suggested_by,
        status=SuggestionStatus(row.status),
        decided_by=row.decided_by,
        decided_at=row.decided_at,
        decided_type=row.decided_type,
        credit_id=row.credit_id,
        question_channel=row.question_channel,
        question_ts=row.question_ts,
    )
