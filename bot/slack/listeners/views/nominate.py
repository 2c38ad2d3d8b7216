"""The ``/nominate`` form submitted: field errors go back in the ack (the form stays
open); a stored nomination closes it, is posted to the panel and confirmed privately."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack

from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck


def listener(services: SlackServices) -> Callable[..., None]:
    def on_submit(
        ack: Ack, body: dict[str, Any], view: dict[str, Any], after_ack: AfterAck
    ) -> None:
        nominator = str((body.get("user") or {}).get("id") or "")
        submitted = services.distinguished.submit(view, nominator)
        if submitted.errors:
            ack(response_action="errors", errors=dict(submitted.errors))
            return
        ack()
        after_ack(lambda: services.distinguished.after_submit(submitted, nominator))

    return on_submit
