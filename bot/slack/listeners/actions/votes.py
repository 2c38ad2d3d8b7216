"""The Approve / Decline / Abstain buttons of a nomination in the panel's channel."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.handlers.distinguished import VoteClick
from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck


def listener(services: SlackServices) -> Callable[..., None]:
    def on_vote(ack: Ack, body: dict[str, Any], respond: Respond, after_ack: AfterAck) -> None:
        ack()
        click = VoteClick.from_block_actions(body)
        if click is None:
            return

        def run() -> None:
            note = services.distinguished.vote(click)
            # Through the response_url, ephemeral: only the person who clicked sees it.
            respond(text=note, response_type="ephemeral", replace_original=False)

        after_ack(run)

    return on_vote
