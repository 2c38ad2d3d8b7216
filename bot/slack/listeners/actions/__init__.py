"""Buttons and menus."""

from __future__ import annotations

from slack_bolt import App

from bot.messages.slack.blocks import ACTION_NO, ACTION_TYPE, ACTION_YES
from bot.messages.slack.distinguished import VOTE_ACTIONS
from bot.slack.handlers.services import SlackServices
from bot.slack.listeners.actions import suggestions, votes


def register(app: App, services: SlackServices) -> None:
    app.action(ACTION_YES)(suggestions.answer_listener(services, accept=True))
    app.action(ACTION_NO)(suggestions.answer_listener(services, accept=False))
    app.action(ACTION_TYPE)(suggestions.type_chosen)
    for action_id in VOTE_ACTIONS:
        app.action(action_id)(votes.listener(services))
