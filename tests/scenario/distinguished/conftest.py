"""The Distinguished Contributor programme's recognition against the loopback Slack and
Discourse stand-ins (the cycle itself is built by ``tests/support/builders/recognition.py``)."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from bot.gateways import Gateways, open_gateways
from bot.runtime import Runtime
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.recognition import PANEL, PEOPLE
from tests.support.wiring import wire


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["distinguished"] = {
        "review_channel": "C0PANEL",
        "announcements_channel": "C0NEWS",
        "discourse_category_id": 12,
        "panel": [
            {"user": PANEL[0], "constituency": "core-committers"},
            {"user": PANEL[1], "constituency": "partners"},
            {"user": PANEL[2], "constituency": "users"},
        ],
    }
    config_data["web"] = {"community_name": "Testland"}
    return config_data


@pytest.fixture
def slack() -> Iterator[SlackApiStandIn]:
    standin = SlackApiStandIn().start()
    yield standin
    standin.stop()


@pytest.fixture
def forum() -> Iterator[StandinDiscourse]:
    standin = StandinDiscourse().start()
    for number, (_slack, name, email, username) in enumerate(PEOPLE.values(), start=1):
        if username:
            standin.add_user(username, email, user_id=number, name=name)
    yield standin
    standin.stop()


@pytest.fixture
def wired(runtime: Runtime, slack: SlackApiStandIn, forum: StandinDiscourse) -> Runtime:
    """The test's runtime talking to the stand-ins; the forum's request budget is raised
    (the default 50 a minute, burst 5, would make each test wait seconds)."""
    plain = wire(runtime, slack, forum)
    settings = plain.settings.model_copy(update={"discourse_api_requests_per_minute": 6000})
    return Runtime(settings, plain.config, plain.engine, plain.clock)


@pytest.fixture
def gateways(wired: Runtime) -> Gateways:
    found = open_gateways(wired.settings)
    assert found.missing == {}
    return found
