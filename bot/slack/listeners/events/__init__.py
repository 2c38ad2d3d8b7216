"""Events API: messages, reactions, people joining, and a catch-all that acks the rest."""

from __future__ import annotations

import re

from slack_bolt import App

from bot.slack.handlers.services import SlackServices
from bot.slack.listeners.events import members, messages, reactions


def register(app: App, services: SlackServices) -> None:
    app.event("message")(messages.listener(services))
    app.event("reaction_added")(reactions.listener(services))
    app.event("team_join")(members.listener(services))
    # Acked and dropped, so Slack does not retry an event nobody here wants.
    app.event(re.compile(".*"))(_ignore)


def _ignore() -> None:
    return None
