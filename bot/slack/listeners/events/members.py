"""``team_join``: a new member of the workspace is a new member of the community."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.services.slack import SlackServices


def listener(services: SlackServices) -> Callable[..., None]:
    def on_team_join(body: dict[str, Any]) -> None:
        try:
            services.events.on_team_join(body)
        except Exception as error:
            services.events.record_failure(body, error)
            raise

    return on_team_join
