"""Telling the person whose command or click found the database busy that nothing was
changed (see :mod:`bot.slack.intake.after_ack`): privately, through the request's
``response_url`` when it has one (commands, buttons in messages), else with
``chat.postEphemeral`` in its channel, else (a form, an App Home button) in a direct
message."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from slack_bolt import Respond

from bot.slack.gateway import WebClientSlackGateway
from bot.slack.intake.after_ack import BUSY

log = logging.getLogger("creditbot.slack")


def tell_busy(
    gateway: WebClientSlackGateway, body: Mapping[str, Any], respond: Respond | None
) -> None:
    kind = "slash command" if body.get("command") else str(body.get("type") or "request")
    log.warning("a Slack %s found the database busy: nothing done, the person told", kind)
    user = _field(body, "user_id") or _field(body.get("user"), "id")
    channel = (
        _field(body, "channel_id")
        or _field(body.get("channel"), "id")
        or _field(body.get("container"), "channel_id")
    )
    try:
        if respond is not None and body.get("response_url"):
            respond(text=BUSY, response_type="ephemeral", replace_original=False)
        elif channel and user:
            gateway.post_ephemeral(channel, user, BUSY)
        elif user:
            gateway.send_dm(user, BUSY)
    except Exception:  # the person could not be told: the warning above says it all
        log.warning("could not tell the person the bot was busy", exc_info=True)


def _field(data: object, key: str) -> str:
    return str(data.get(key) or "") if isinstance(data, Mapping) else ""
