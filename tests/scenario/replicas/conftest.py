"""Real ``creditbot serve`` processes sharing one PostgreSQL database, and a gate per replica.

Each replica talks to the Slack stand-in through a :class:`Gate` of its own: a loopback
proxy that forwards every call, except that

- once armed, it holds the calls a test picks (e.g. the shout-out's post) and never
  passes them on: a replica killed while its call is held has sent nothing, the call
  never reached "Slack";
- once paused, it keeps the calls a test picks waiting until ``resume()``, then passes
  them on (a starting line for several replicas).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.proxies import Gate
from tests.support.replicas import Replica
from tests.support.slack import BOT_TOKEN, SIGNING_SECRET


@pytest.fixture
def replicas(
    tmp_path: Path, postgres_url: str, slack_api: SlackApiStandIn, forum: StandinDiscourse
) -> Iterator[Callable[[str, bool], Replica]]:
    """Make replicas (``make(name, scheduler)``, not started) on the test's database."""
    env = {
        **os.environ,
        "DATABASE_URL": postgres_url,
        "CREDITBOT_CONFIG": str(tmp_path / "creditbot.yml"),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "DISCOURSE_URL": forum.url,
        "DISCOURSE_API_KEY": API_KEY,
        "DISCOURSE_API_USERNAME": API_USERNAME,
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("SLACK_APP_TOKEN", None)
    made: list[Replica] = []

    def make(name: str, scheduler: bool) -> Replica:
        replica = Replica(name, Gate(slack_api.base), env, tmp_path, scheduler)
        made.append(replica)
        return replica

    yield make
    for replica in made:
        if replica.process is not None and replica.process.poll() is None:
            replica.process.kill()
            replica.process.wait(timeout=30)
        replica.gate.stop()
