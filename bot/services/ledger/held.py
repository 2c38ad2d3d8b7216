"""A held forum solution that the forum no longer accepts: the leads' open question
about it closes (nothing to decide), so a later Yes cannot credit an answer that is not
accepted any more; the question in the review channel says why."""

from __future__ import annotations

from datetime import datetime

from bot.messages.escaping import slack_text
from bot.services.ledger.caps import open_held_question
from bot.services.ledger.suggestions import question_location
from scoring.suggestions import SuggestionStatus
from storage.uow import UnitOfWork

CLOSED_BY = "discourse"


def close_held_question(uow: UnitOfWork, post_id: int, now: datetime) -> str | None:
    """Close the open question about ``post_id``; the outbox key of its update, if the
    question was posted (one still waiting to be posted gets "decided first" on a click)."""
    asked = open_held_question(uow, post_id)
    if asked is None:
        return None
    if not uow.suggestions.decide(asked.id, SuggestionStatus.REJECTED, CLOSED_BY, now, None):
        return None  # a lead answered just now
    where = question_location(uow, asked)
    if where is None:
        return None
    text = (
        f"{slack_text(asked.author_ref)} on the forum: the solution is no longer accepted "
        "on the forum, so there is nothing to decide."
    )
    key = f"question-closed:{asked.id}"
    payload = {"text": text, "blocks": [], "ts": where[1]}
    uow.outbox.enqueue(key, "slack", "update", where[0], payload, now)
    return key
