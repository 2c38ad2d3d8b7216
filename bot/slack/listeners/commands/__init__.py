"""Slash commands."""

from __future__ import annotations

from slack_bolt import App

from bot.slack.handlers.services import SlackServices
from bot.slack.listeners.commands import credit, nominate


def register(app: App, services: SlackServices) -> None:
    app.command("/credit")(credit.listener(services))
    app.command("/nominate")(nominate.listener(services))
