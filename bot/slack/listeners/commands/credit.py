"""``/credit``: a mistake or a refusal is answered in the ack itself (privately, at once);
the rest is acked at once and answered privately through the command's response_url.

A command is recognised when Slack's request is replayed (within the 5 minutes its
signature is accepted) by its ``trigger_id``, or, when it has none, by a digest of the
signed request (timestamp and body): the same request credits once."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import Any

from slack_bolt import Ack, BoltContext, BoltRequest, Respond

from bot.messages.escaping import slack_text
from bot.messages.slack.people import forget_prompt
from bot.slack.handlers.self_service import NOTHING_TO_ERASE
from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck
from scoring.commands import HelpRequest, SelfServiceRequest
from scoring.errors import CommandError


def listener(services: SlackServices) -> Callable[..., None]:
    def on_credit(
        ack: Ack,
        body: dict[str, Any],
        request: BoltRequest,
        respond: Respond,
        context: BoltContext,
        after_ack: AfterAck,
    ) -> None:
        try:
            command = services.commands.parse(body)
        except CommandError as error:
            ack(text=_echoed_safely(error), response_type="ephemeral")
            return
        if isinstance(command, HelpRequest):
            ack(text=services.commands.usage(), response_type="ephemeral")
            return
        if isinstance(command, SelfServiceRequest) and command.action == "forget":
            user = str(body.get("user_id") or "")
            if services.commands.holds_nothing_about(user):
                ack(text=NOTHING_TO_ERASE, response_type="ephemeral")
                return
            text, blocks = forget_prompt(user)
            ack(text=text, blocks=blocks, response_type="ephemeral")
            return
        ack()
        bot_user_id = context.bot_user_id
        request_id = str(body.get("trigger_id") or "") or _signed_request_digest(request)

        def run() -> None:
            reply = services.commands.run(command, body, bot_user_id, request_id=request_id)
            respond(text=reply, response_type="ephemeral", replace_original=False)

        after_ack(run)

    return on_credit


def _echoed_safely(error: CommandError) -> str:
    """The refusal with what the person typed (its problem) escaped for Slack: a typed
    ``<!channel>`` or ``<@U…>`` is shown as text, never a ping; the usage is the bot's."""
    problem = slack_text(error.problem)
    return f"{problem}\n\n{error.usage}" if error.usage else problem


def _signed_request_digest(request: BoltRequest) -> str:
    """The same for a replay of one signed request, different for any other request."""
    stamp = (request.headers.get("x-slack-request-timestamp") or [""])[0]
    signed = f"{stamp}:{request.raw_body}".encode("utf-8", "replace")
    return "sha256-" + hashlib.sha256(signed).hexdigest()[:32]
