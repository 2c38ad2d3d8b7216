"""``app_home_opened``: publish the person's App Home (``views.publish``)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.services.slack import SlackServices


def listener(services: SlackServices) -> Callable[..., None]:
    def on_home_opened(event: dict[str, Any]) -> None:
        if event.get("tab", "home") != "home" or not event.get("user"):
            return
        services.publish_home(str(event["user"]))

    return on_home_opened
