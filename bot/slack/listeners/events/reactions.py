"""Reactions: a member's nominate emoji asks the team leads; a team lead's confirm emoji
credits at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck


def listener(services: SlackServices) -> Callable[..., None]:
    def on_reaction(body: dict[str, Any], context: BoltContext, after_ack: AfterAck) -> None:
        bot_user_id = context.bot_user_id

        def run() -> None:
            try:
                services.events.on_reaction(body, bot_user_id)
            except Exception as error:
                services.events.record_failure(body, error)
                raise

        after_ack(run)

    return on_reaction
