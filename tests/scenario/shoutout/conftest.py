"""The shout-out against the loopback Slack and Discourse stand-ins.

``slack`` and ``forum`` are the stand-ins; the CLI's environment and ``wired`` (the test
runtime's settings) both point at them, with obviously fake credentials.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from bot.gateways import Gateways, open_gateways
from bot.runtime import Runtime
from tests.integration.outbox.fakes import ClockSleep
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.slack import BOT_TOKEN
from tests.support.wiring import wire


@pytest.fixture
def slack(monkeypatch: pytest.MonkeyPatch) -> Iterator[SlackApiStandIn]:
    standin = SlackApiStandIn().start()
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_API_URL", standin.url)
    yield standin
    standin.stop()


@pytest.fixture
def forum(monkeypatch: pytest.MonkeyPatch) -> Iterator[StandinDiscourse]:
    standin = StandinDiscourse().start()
    monkeypatch.setenv("DISCOURSE_URL", standin.url)
    monkeypatch.setenv("DISCOURSE_API_KEY", API_KEY)
    monkeypatch.setenv("DISCOURSE_API_USERNAME", API_USERNAME)
    yield standin
    standin.stop()


@pytest.fixture
def wired(runtime: Runtime, slack: SlackApiStandIn, forum: StandinDiscourse) -> Runtime:
    return wire(runtime, slack, forum)


@pytest.fixture
def gateways(wired: Runtime) -> Gateways:
    found = open_gateways(wired.settings)
    assert found.missing == {}
    return found


@pytest.fixture
def sleep(runtime: Runtime) -> ClockSleep:
    return ClockSleep(runtime.clock)  # type: ignore[arg-type]
