"""The running app (uvicorn on a free loopback port) with Slack pointed at the stand-in.

The requests, payloads and the app itself are in ``tests/support/`` (``slack.py``,
``serving.py``, ``stored.py``).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import SecretStr

from bot.runtime import Runtime
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET


@pytest.fixture
def slack_runtime(runtime: Runtime, slack_api: SlackApiStandIn) -> Runtime:
    """The test runtime with Slack settings pointing at the stand-in."""
    settings = runtime.settings.model_copy(
        update={
            "slack_bot_token": SecretStr(BOT_TOKEN),
            "slack_signing_secret": SecretStr(SIGNING_SECRET),
            "slack_api_url": slack_api.url,
        }
    )
    return Runtime(settings, runtime.config, runtime.engine, runtime.clock)


@pytest.fixture
def app(slack_runtime: Runtime, slack_api: SlackApiStandIn) -> Iterator[RunningApp]:
    running = RunningApp(slack_runtime, slack_api).start()
    yield running
    running.stop()
