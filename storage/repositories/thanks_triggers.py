"""Which rule and phrase of thank-you detection raised each question, and the answers."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import case, func, select
from sqlmodel import Session

from scoring.suggestions import SuggestionStatus
from storage.sql import bulk_insert_ignoring_conflicts
from storage.tables import SuggestionRow, ThanksTriggerRow, columns, table

_trigger = columns(ThanksTriggerRow)
_suggestion = columns(SuggestionRow)


@dataclass(frozen=True)
class TriggerCount:
    """Questions one rule and phrase raised, by answer."""

    rule: str
    phrase: str
    asked: int
    yes: int
    no: int


class ThanksTriggerRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(
        self,
        suggestion_id: int,
        rule: str,
        phrase: str,
        others: Sequence[str] = (),
        messages: Mapping[str, str] | None = None,
    ) -> None:
        """Remember what raised a question, who else was thanked and the ts of each one's
        message in the thread, from ``messages`` (once; a second call changes nothing)."""
        row = {"suggestion_id": suggestion_id, "rule": rule, "phrase": phrase}
        known = messages or {}
        stored = [f"{other}:{known[other]}" if other in known else other for other in others]
        bulk_insert_ignoring_conflicts(
            self._session,
            table(ThanksTriggerRow),
            ("suggestion_id",),
            [row | {"others": " ".join(stored)}],
        )

    def _others(self, suggestion_id: int) -> dict[str, str | None]:
        found = self._session.execute(
            select(_trigger.others).where(_trigger.suggestion_id == suggestion_id)
        ).scalar_one_or_none()
        pairs = (item.partition(":") for item in str(found or "").split())
        return {user: ts or None for user, _, ts in pairs}

    def others(self, suggestion_id: int) -> tuple[str, ...]:
        """The other people thanked with the helper of a question (Slack ids)."""
        return tuple(self._others(suggestion_id))

    def message_of(self, suggestion_id: int, user: str) -> str | None:
        """The ts of the thread message of ``user`` (one of ``others``) that was thanked."""
        return self._others(suggestion_id).get(user)

    def counts(self, since: datetime | None = None) -> list[TriggerCount]:
        """Per rule and phrase: questions asked (since ``since``), answered Yes and No."""

        def answered(status: SuggestionStatus) -> Any:
            return func.sum(case((_suggestion.status == status.value, 1), else_=0))

        query = (
            select(
                _trigger.rule,
                _trigger.phrase,
                func.count(),
                answered(SuggestionStatus.ACCEPTED),
                answered(SuggestionStatus.REJECTED),
            )
            .join(SuggestionRow, _suggestion.id == _trigger.suggestion_id)
            .group_by(_trigger.rule, _trigger.phrase)
            .order_by(func.count().desc(), _trigger.rule, _trigger.phrase)
        )
        if since is not None:
            query = query.where(_suggestion.created_at >= since)
        return [
            TriggerCount(str(rule), str(phrase), int(asked), int(yes or 0), int(no or 0))
            for rule, phrase, asked, yes, no in self._session.execute(query)
        ]
