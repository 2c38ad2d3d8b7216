"""A runtime like the test's own (same database, configuration and clock) with Slack and
the forum pointed at the loopback stand-ins (or at proxies in front of them)."""

from __future__ import annotations

from pydantic import SecretStr

from bot.runtime import Runtime
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.discourse import WEBHOOK_SECRET
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET


def wired(runtime: Runtime, slack_url: str, forum_url: str) -> Runtime:
    """``runtime`` (same database, config, clock) with Slack and the forum at these URLs."""
    settings = runtime.settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": slack_url,
            "discourse_url": forum_url,
            "discourse_api_key": SecretStr(API_KEY),
            "discourse_api_username": API_USERNAME,
            "discourse_webhook_secret": SecretStr(WEBHOOK_SECRET),
        }
    )
    return Runtime(settings, runtime.config, runtime.engine, runtime.clock)


def wire(runtime: Runtime, slack: SlackApiStandIn, forum: StandinDiscourse) -> Runtime:
    """A runtime like ``runtime`` (same database, config and clock) talking to the stand-ins."""
    settings = runtime.settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_api_url": slack.url,
            "discourse_url": forum.url,
            "discourse_api_key": SecretStr(API_KEY),
            "discourse_api_username": API_USERNAME,
        }
    )
    return Runtime(settings, runtime.config, runtime.engine, runtime.clock)
