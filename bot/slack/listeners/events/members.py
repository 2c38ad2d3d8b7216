"""``team_join``: a new member of the workspace is a new member of the community."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck


def listener(services: SlackServices) -> Callable[..., None]:
    def on_team_join(body: dict[str, Any], after_ack: AfterAck) -> None:
        def run() -> None:
            try:
                services.events.on_team_join(body)
            except Exception as error:
                services.events.record_failure(body, error)
                raise

        after_ack(run)

    return on_team_join
