"""``/nominate``: a mistake, the usage or a closed window is answered in the ack itself
(privately, at once); ``/nominate`` alone opens the form; a nomination is acked at once
and confirmed privately through the command's response_url."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck
from scoring.errors import CommandError
from scoring.nominations import NominateForm, NominateHelp


def listener(services: SlackServices) -> Callable[..., None]:
    nominations = services.distinguished

    def on_nominate(ack: Ack, body: dict[str, Any], respond: Respond, after_ack: AfterAck) -> None:
        try:
            command = nominations.parse(body)
        except CommandError as error:
            ack(text=str(error), response_type="ephemeral")
            return
        if isinstance(command, NominateHelp):
            ack(text=nominations.usage(), response_type="ephemeral")
            return
        closed = nominations.closed()
        if closed is not None:
            ack(text=closed, response_type="ephemeral")
            return
        ack()

        def run() -> None:
            if isinstance(command, NominateForm):
                note = nominations.open_form(str(body.get("trigger_id") or ""))
            else:
                note = nominations.nominate(command, str(body.get("user_id") or ""))
            if note:
                respond(text=note, response_type="ephemeral", replace_original=False)

        after_ack(run)

    return on_nominate
