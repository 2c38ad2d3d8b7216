"""Buttons and menus."""

from __future__ import annotations

from slack_bolt import App

from bot.services.slack import SlackServices
from bot.slack.blocks import ACTION_HELPER, ACTION_NO, ACTION_TYPE, ACTION_YES
from bot.slack.distinguished_blocks import VOTE_ACTIONS
from bot.slack.listeners.actions import suggestions, votes


def register(app: App, services: SlackServices) -> None:
    app.action(ACTION_YES)(suggestions.answer_listener(services, accept=True))
    app.action(ACTION_NO)(suggestions.answer_listener(services, accept=False))
    app.action(ACTION_TYPE)(suggestions.type_chosen)
    app.action(ACTION_HELPER)(suggestions.type_chosen)  # read, like the type, on Yes
    for action_id in VOTE_ACTIONS:
        app.action(action_id)(votes.listener(services))
