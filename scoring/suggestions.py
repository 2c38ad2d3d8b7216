""" "Is this a contribution?": a question about one chat message, and its answer."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum


class SuggestionStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"
    REJECTED = "rejected"


@dataclass(frozen=True)
class Suggestion:
    """One message suggested as a contribution by its author (at most one per message)."""

    id: int
    channel: str
    message_ts: str
    author_member_id: int
    author_ref: str
    suggested_type: str
    occurred_at: datetime
    reason: str = ""
    snippet: str = ""
    permalink: str | None = None
    suggested_by: str | None = None
    status: SuggestionStatus = SuggestionStatus.OPEN
    decided_by: str | None = None
    decided_at: datetime | None = None
    decided_type: str | None = None
    credit_id: int | None = None
    question_channel: str | None = None
    question_ts: str | None = None

    @property
    def is_open(self) -> bool:
        return self.status == SuggestionStatus.OPEN


_SPACE = re.compile(r"\s+")


def snippet(text: str, limit: int = 280) -> str:
    """The start of a message on one line, cut at a word with an ellipsis when too long."""
    flat = _SPACE.sub(" ", text or "").strip()
    if len(flat) <= limit:
        return flat
    cut = flat[: limit - 1]
    if " " in cut[limit // 2 :]:
        cut = cut[: cut.rindex(" ")]
    return cut.rstrip() + "…"
