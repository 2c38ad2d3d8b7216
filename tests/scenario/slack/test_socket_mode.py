"""Socket Mode: the same app, reached over Slack's WebSocket instead of a public URL."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from slack_bolt.adapter.socket_mode import SocketModeHandler

from bot.runtime import Runtime
from bot.slack.app import SlackApp
from tests.standins.slack_api import SlackApiStandIn
from tests.support.slack import REVIEW, add_help_thread, thank_alice_event
from tests.support.stored import stored

APP_TOKEN = "xapp-test-token"


def _wait(condition: object, what: str) -> None:
    for _attempt in range(500):
        if callable(condition) and condition():
            return
        time.sleep(0.01)
    raise AssertionError(f"gave up waiting for {what}")


@pytest.fixture
def connected(slack_runtime: Runtime, slack_api: SlackApiStandIn) -> Iterator[SlackApp]:
    slack = SlackApp(slack_runtime)
    handler = SocketModeHandler(slack.bolt, APP_TOKEN, web_client=slack.bolt.client)
    handler.connect()  # type: ignore[no-untyped-call]
    assert slack_api.wait_for_socket()
    yield slack
    # slack_sdk's built-in client can miss its own stop signal while a session loop is
    # reading (it then waits forever in Connection.run_until_completion): close it on a
    # daemon thread, so a stuck library thread never hangs the test run.
    closing = threading.Thread(target=handler.close, daemon=True)
    closing.start()
    closing.join(timeout=5)
    slack.close()


def test_an_event_over_socket_mode_is_acked_and_handled_once(
    connected: SlackApp, slack_api: SlackApiStandIn, slack_runtime: Runtime
) -> None:
    assert slack_api.calls_to("apps.connections.open") == [{}]
    add_help_thread(slack_api)
    first = slack_api.push(thank_alice_event())
    _wait(lambda: slack_api.acked(first), "the ack")
    assert connected.drain()
    again = slack_api.push(thank_alice_event(), retry=1)  # Slack retrying the same event
    _wait(lambda: slack_api.acked(again), "the second ack")
    assert connected.drain()
    (question,) = slack_api.posts_to(REVIEW)
    assert question["text"].startswith("Is this a contribution? <@U0ALICE>")
    assert stored(slack_runtime) == {"credits": 0, "suggestions": 1, "outbox": 1, "inbox": 1}
