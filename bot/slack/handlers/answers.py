"""A team lead's answer to "is this a contribution?" (the Yes / No buttons).

The first team lead to answer decides, in one transaction with the credit and the
outbox row that updates the question; any later answer, from whoever, gets a private
note saying who decided. Only team leads may answer, and nobody decides on their own
message. A refusal stores nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.messages.slack.blocks import ACTION_HELPER, ACTION_TYPE, BLOCK_PREFIX
from bot.runtime import Runtime
from bot.services.ledger.held import CLOSED_BY
from bot.services.ledger.suggestions import decide
from scoring.suggestions import Suggestion, SuggestionStatus

#: A question's id in a button: a row id, so at most 18 digits (below 2**63).
MAX_ID_DIGITS = 18


@dataclass(frozen=True)
class Answer:
    """One click: which question, who, Yes or No, the type chosen, where the question is."""

    suggestion_id: int
    user: str
    accept: bool
    type_name: str | None
    question: tuple[str, str] | None
    helper: str | None = None
    """Whom the lead chose to credit, when the thanks named several people."""

    @classmethod
    def from_block_actions(cls, body: Mapping[str, Any], accept: bool) -> Answer | None:
        """Read a ``block_actions`` payload; None if it is not about a question."""
        actions = body.get("actions")
        if not isinstance(actions, list) or not actions:
            return None
        action = _object(actions[0])
        block_id = str(action.get("block_id") or "")
        raw_id = str(action.get("value") or block_id.removeprefix(BLOCK_PREFIX))
        if not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > MAX_ID_DIGITS:
            return None
        values = _object(_object(_object(body.get("state")).get("values")).get(block_id))
        selected = _object(_object(values.get(ACTION_TYPE)).get("selected_option"))
        container = _object(body.get("container"))
        channel = container.get("channel_id") or _object(body.get("channel")).get("id")
        ts = container.get("message_ts") or _object(body.get("message")).get("ts")
        type_name = selected.get("value")
        chosen = _object(_object(values.get(ACTION_HELPER)).get("selected_option")).get("value")
        return cls(
            suggestion_id=int(raw_id),
            user=str(_object(body.get("user")).get("id") or ""),
            accept=accept,
            type_name=type_name if isinstance(type_name, str) else None,
            question=(str(channel), str(ts)) if channel and ts else None,
            helper=chosen if isinstance(chosen, str) else None,
        )


def _object(value: Any) -> Mapping[str, Any]:
    """A part of the payload that should be an object (anything else reads as empty)."""
    return value if isinstance(value, Mapping) else {}


def _decided_note(suggestion: Suggestion, clicker: str) -> str:
    if suggestion.decided_by == CLOSED_BY:
        return "This solution is no longer accepted on the forum, so there is nothing to decide."
    who = f"<@{suggestion.decided_by}>" if suggestion.decided_by else "another team lead"
    if suggestion.decided_by == clicker:
        who = "you"
    what = (
        f"credited as *{suggestion.decided_type}*"
        if suggestion.status == SuggestionStatus.ACCEPTED
        else "not a contribution"
    )
    return f"This question was already decided by {who}: {what}."


class SlackAnswers:
    """The use case behind the question's buttons."""

    def __init__(self, runtime: Runtime, deliver: Callable[[Sequence[str]], None]) -> None:
        self.runtime = runtime
        self.deliver = deliver

    def answer(self, answer: Answer) -> str | None:
        """Decide the question; the private note for the person who clicked, if any."""
        config = self.runtime.config
        if not config.is_team_lead(answer.user):
            return (
                "Only team leads can answer these questions. If you think this was a "
                "contribution, tell one of them."
            )
        now = self.runtime.now()
        with self.runtime.uow() as uow:
            current = uow.suggestions.get(answer.suggestion_id)
            if current is None:
                return "I cannot find this question any more; nothing was changed."
            if not current.is_open:
                return _decided_note(current, answer.user)
            if current.author_ref == answer.user:
                return "Nobody can decide on their own contribution; another team lead will."
            decision = decide(
                uow,
                config,
                answer.suggestion_id,
                by=answer.user,
                accept=answer.accept,
                type_name=answer.type_name,
                now=now,
                question=answer.question,
                helper=answer.helper,
            )
            if not decision.won:
                uow.rollback()
                if decision.suggestion is None:
                    return None
                return _decided_note(decision.suggestion, answer.user)
            uow.commit()
        if decision.outbox_key:
            self.deliver([decision.outbox_key])
        return None
