"""`creditbot jobs run standing|inactivity` against the loopback Slack stand-in."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import partner_rules


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    return partner_rules(config_data)


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackApiStandIn]:
    """The Slack Web API stand-in; the CLI's settings point at it."""
    standin = SlackApiStandIn().start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test-token")
    monkeypatch.setenv("SLACK_API_URL", standin.url)
    yield standin
    standin.stop()
