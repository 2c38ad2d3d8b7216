"""Reactions: a member's nominate emoji asks the team leads; a team lead's confirm emoji
credits at once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

from bot.services.slack import SlackServices


def listener(services: SlackServices) -> Callable[..., None]:
    def on_reaction(body: dict[str, Any], context: BoltContext) -> None:
        try:
            services.events.on_reaction(body, context.bot_user_id)
        except Exception as error:
            services.events.record_failure(body, error)
            raise

    return on_reaction
