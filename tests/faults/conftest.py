"""What the fault suite shares: the running app wired to both stand-ins, proxies that
break chosen calls the ways a network does, the ``creditbot`` CLI as real processes.

Generic on purpose: each test module sets its own configuration (``config_data``) and
sizes. The fixtures of the bad-input and security tests live in ``input_support.py``;
the helpers (waiting, racing calls, the proxy, the processes, SQLite watched from
outside) in ``tests/support/``.

- ``slack_api`` / ``forum``: the loopback stand-ins for the Slack Web API and Discourse;
- ``live_runtime``: the test runtime (its database, config and fixed clock) with Slack
  and the forum configured, pointing at the stand-ins;
- ``live_app``: that runtime served by uvicorn in a thread (``tests/support/serving.py``
  ``RunningApp``), ``/slack/events`` and ``/discourse/webhook`` both;
- ``make_proxy``: a ``tests/support/proxies.py`` ``Proxy`` in front of a stand-in that can
  hold a call (never forwarded), lose an answer (forwarded, accepted, then no answer
  comes back) or reset the connection after the stand-in accepted the call;
- ``creditbot``: ``tests/support/processes.py`` ``Creditbot``, the CLI (``creditbot
  import``, ``jobs run``, ``serve``...) as subprocesses on this test's database and
  configuration.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.runtime import Runtime
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.databases import database_url
from tests.support.discourse import WEBHOOK_SECRET
from tests.support.processes import Creditbot
from tests.support.proxies import Proxy
from tests.support.serving import RunningApp
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET
from tests.support.wiring import wired


@pytest.fixture
def live_runtime(runtime: Runtime, slack_api: SlackApiStandIn, forum: StandinDiscourse) -> Runtime:
    return wired(runtime, slack_api.url, forum.url)


@pytest.fixture
def live_app(live_runtime: Runtime, slack_api: SlackApiStandIn) -> Iterator[RunningApp]:
    running = RunningApp(live_runtime, slack_api)
    running.start()
    yield running
    running.stop()


@pytest.fixture
def make_proxy() -> Iterator[Callable[[str], Proxy]]:
    """``make_proxy(upstream_base)``: a proxy, stopped at the end of the test."""
    made: list[Proxy] = []

    def make(upstream: str) -> Proxy:
        proxy = Proxy(upstream)
        made.append(proxy)
        return proxy

    yield make
    for proxy in made:
        proxy.stop()


@pytest.fixture
def creditbot(tmp_path: Path, runtime: Runtime, config_data: dict[str, Any]) -> Iterator[Creditbot]:
    """The CLI on this test's (migrated) database, with ``config_data`` as its
    ``creditbot.yml`` and fake Slack and forum credentials (point it at the stand-ins or
    proxies with :meth:`Creditbot.point_at`)."""
    config = tmp_path / "creditbot.yml"
    config.write_text(yaml.safe_dump(config_data), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "CREDITBOT_CONFIG": str(config),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DISCOURSE_API_KEY": API_KEY,
        "DISCOURSE_API_USERNAME": API_USERNAME,
        "DISCOURSE_WEBHOOK_SECRET": WEBHOOK_SECRET,
        "PYTHONUNBUFFERED": "1",
    }
    for unset in ("SLACK_APP_TOKEN", "SLACK_API_URL", "DISCOURSE_URL"):
        env.pop(unset, None)
    bot = Creditbot(tmp_path, env)
    yield bot
    bot.close()
