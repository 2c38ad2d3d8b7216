"""Messages in the channels the bot is in: activity, and thread replies that thank someone."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import BoltContext

from bot.services.slack import SlackServices


def listener(services: SlackServices) -> Callable[..., None]:
    def on_message(body: dict[str, Any], context: BoltContext) -> None:
        try:
            services.events.on_message(body, context.bot_user_id)
        except Exception as error:
            services.events.record_failure(body, error)
            raise

    return on_message
