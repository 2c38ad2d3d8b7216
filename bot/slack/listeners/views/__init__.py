"""Views: the App Home and the ``/nominate`` form."""

from __future__ import annotations

from slack_bolt import App

from bot.messages.slack.nomination_form import CALLBACK_ID
from bot.slack.handlers.services import SlackServices
from bot.slack.listeners.views import home, nominate


def register(app: App, services: SlackServices) -> None:
    app.event("app_home_opened")(home.listener(services))
    app.view(CALLBACK_ID)(nominate.listener(services))
