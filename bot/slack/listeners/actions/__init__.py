"""Buttons and menus."""

from __future__ import annotations

from slack_bolt import App

from bot.messages.slack.blocks import ACTION_HELPER, ACTION_NO, ACTION_TYPE, ACTION_YES
from bot.messages.slack.distinguished import VOTE_ACTIONS
from bot.messages.slack.people import FORGET_CANCEL, FORGET_CONFIRM
from bot.slack.handlers.services import SlackServices
from bot.slack.listeners.actions import people, suggestions, votes


def register(app: App, services: SlackServices) -> None:
    app.action(ACTION_YES)(suggestions.answer_listener(services, accept=True))
    app.action(ACTION_NO)(suggestions.answer_listener(services, accept=False))
    app.action(ACTION_TYPE)(suggestions.type_chosen)
    app.action(FORGET_CONFIRM)(people.confirm_listener(services))
    app.action(FORGET_CANCEL)(people.cancel)
    app.action(ACTION_HELPER)(suggestions.type_chosen)  # read, like the type, on Yes
    for action_id in VOTE_ACTIONS:
        app.action(action_id)(votes.listener(services))
