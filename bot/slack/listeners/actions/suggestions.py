"""The Yes / No buttons and the type menu of an "is this a contribution?" question."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.slack.handlers.answers import Answer
from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck


def answer_listener(services: SlackServices, *, accept: bool) -> Callable[..., None]:
    def on_answer(ack: Ack, body: dict[str, Any], after_ack: AfterAck) -> None:
        ack()
        answer = Answer.from_block_actions(body, accept)
        if answer is None:
            return

        def run() -> None:
            note = services.answers.answer(answer)
            if note and answer.question is not None:
                services.slack.post_ephemeral(answer.question[0], answer.user, note)

        after_ack(run)

    return on_answer


def type_chosen(ack: Ack) -> None:
    """The type is read from the question's state when a button is pressed."""
    ack()
