"""``app_home_opened``: publish the person's App Home (``views.publish``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck


def listener(services: SlackServices) -> Callable[..., None]:
    def on_home_opened(event: dict[str, Any], after_ack: AfterAck) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        user = str(event["user"])
        after_ack(lambda: services.publish_home(user))

    return on_home_opened
