"""Views: the App Home."""

from __future__ import annotations

from slack_bolt import App

from bot.services.slack import SlackServices
from bot.slack.listeners.views import home


def register(app: App, services: SlackServices) -> None:
    app.event("app_home_opened")(home.listener(services))
