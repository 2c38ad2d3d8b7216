"""The buttons of ``/credit forget me``: only the person who asked can confirm."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, Respond

from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck

NOT_YOURS = (
    "This button belongs to the person who asked to be forgotten; nothing was erased. "
    "To erase your own data, use `/credit forget me`."
)


def _asker(body: dict[str, Any]) -> tuple[str, str]:
    action = (body.get("actions") or [{}])[0]
    return str((body.get("user") or {}).get("id") or ""), str(action.get("value") or "")


def confirm_listener(services: SlackServices) -> Callable[..., None]:
    def on_confirm(ack: Ack, body: dict[str, Any], respond: Respond, after_ack: AfterAck) -> None:
        ack()
        user, asker = _asker(body)
        if not user or user != asker:
            respond(text=NOT_YOURS, response_type="ephemeral", replace_original=False)
            return

        def run() -> None:
            respond(text=services.commands.forget(user), replace_original=True)

        after_ack(run)

    return on_confirm


def cancel(ack: Ack, respond: Respond) -> None:
    ack()
    respond(text="Nothing was erased.", replace_original=True)
