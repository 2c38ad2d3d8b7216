"""The questions to the team leads that an erased person's thanks or nomination raised
("Why I ask: <@U0DMITRI> wrote "thanks ..."", "<@U0ANA> nominated it"): as shown in the
review channel, they lose that line (the person's name and words); the rest stays, and
an open question keeps its buttons. Updated through the outbox, like the shout-outs."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from storage.tables import SuggestionRow
from storage.uow import UnitOfWork

WHY_LINES = ("Why I ask:", "Why I asked:")  # bot.messages.slack.blocks, question and answer


def unquote_questions(
    uow: UnitOfWork, member_id: int, rows: list[SuggestionRow], now: datetime
) -> list[str]:
    """Queue the update of each shown question in ``rows``; the outbox keys."""
    keys = []
    for row in rows:
        shown = _as_shown(uow, row)
        if shown is None:
            continue
        channel, ts, payload = shown
        blocks = [b for b in payload.get("blocks") or [] if not _why_line(b)]
        key = f"erased:{member_id}:asked:{row.id}"
        update = {"text": payload.get("text", ""), "blocks": blocks, "ts": ts}
        uow.outbox.enqueue(key, "slack", "update", channel, update, now)
        keys.append(key)
    return keys


def _as_shown(uow: UnitOfWork, row: SuggestionRow) -> tuple[str, str, dict[str, Any]] | None:
    """Where the question is and what it shows now: the last answer sent, else the
    question as posted (keys of bot.services.ledger.suggestions)."""
    posted = uow.outbox.by_key(f"question:{row.channel}:{row.message_ts}")
    answered = uow.outbox.by_key(f"question-answer:{row.id}")
    latest = answered if answered is not None and answered.sent_ref else posted
    if latest is None or (latest is posted and not posted.sent_ref):
        return None
    if row.question_channel and row.question_ts:
        return row.question_channel, row.question_ts, dict(latest.payload)
    if posted is None or not posted.sent_ref:
        return None
    return posted.target, posted.sent_ref, dict(latest.payload)


def _why_line(block: dict[str, Any]) -> bool:
    if block.get("type") != "context":
        return False
    texts = [str(e.get("text") or "") for e in block.get("elements") or [] if isinstance(e, dict)]
    return any(t.startswith(WHY_LINES) for t in texts)
