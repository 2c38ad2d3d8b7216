"""`creditbot jobs run standing|inactivity` against the loopback Slack stand-in."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

import pytest

from tests.conftest import CliResult
from tests.integration.standing.conftest import config_data as standing_config_data
from tests.standins.slack_api import SlackApiStandIn

Cli = Callable[..., CliResult]

config_data = standing_config_data


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackApiStandIn]:
    """The Slack Web API stand-in; the CLI's settings point at it."""
    standin = SlackApiStandIn().start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_API_URL", standin.url)
    yield standin
    standin.stop()


def dm_texts(slack: SlackApiStandIn) -> dict[str, list[str]]:
    """What each user received privately: user id -> texts, in order.

    The gateway opens the IM (``conversations.open``, which the stand-in answers with
    ``D`` + the user id without its first letter) and posts in it.
    """
    out: dict[str, list[str]] = {}
    for post in slack.calls_to("chat.postMessage"):
        channel = str(post["channel"])
        if channel.startswith("D"):
            out.setdefault("U" + channel[1:], []).append(str(post["text"]))
    return out


def public_texts(slack: SlackApiStandIn) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for post in slack.calls_to("chat.postMessage"):
        channel = str(post["channel"])
        if not channel.startswith("D"):
            out.setdefault(channel, []).append(str(post["text"]))
    return out


def everything_sent(slack: SlackApiStandIn) -> list[dict[str, Any]]:
    return slack.calls_to("chat.postMessage")
