"""The Web API misbehaving: 429 with Retry-After, 500s, unknown users."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.errors import ExternalServiceError
from bot.slack.gateway import WebClientSlackGateway
from bot.slack.handlers.services import process_pending_slack
from storage.tables import InboxRow
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import BOT_TOKEN, REVIEW, add_help_thread, thank_alice_event
from tests.support.stored import stored


def test_a_rate_limited_read_is_retried_after_the_wait_slack_asked_for(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    slack_api.fail("users.info", 429, times=1, retry_after=0)
    app.event(thank_alice_event())
    # The first look-up (of a thread participant, for their names) is refused, then retried.
    first, second = slack_api.calls_to("users.info")[:2]
    assert first == second
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_a_server_error_on_a_read_is_retried(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    add_help_thread(slack_api)
    slack_api.fail("conversations.replies", 500, times=1)
    app.event(thank_alice_event())
    assert len(slack_api.calls_to("conversations.replies")) == 2
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_a_question_slack_fails_to_take_waits_in_the_outbox_and_is_posted_once_later(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    slack_api.fail("chat.postMessage", 500, times=1)
    app.event(thank_alice_event())
    assert len(slack_api.calls_to("chat.postMessage")) == 1  # a post is never retried blindly
    with app.runtime.reader() as uow:
        (waiting,) = uow.outbox.list()
        (suggestion,) = uow.suggestions.open()
    assert waiting.status == "pending"
    assert suggestion.question_ts is None
    # The worker's next round (any time later) posts it, once.
    app.runtime.clock.set(waiting.next_attempt_at)  # type: ignore[attr-defined]
    app.slack.services.deliver([waiting.key])
    assert len(slack_api.posts_to(REVIEW)) == 2  # the failed try, and the one that arrived
    with app.runtime.reader() as uow:
        (suggestion,) = uow.suggestions.open()
    assert suggestion.question_ts is not None


def test_an_event_that_waits_for_slack_is_handled_once_later_with_no_partial_effect(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    slack_api.fail("users.info", 500, times=3)  # the first try and both of its retries
    assert app.event(thank_alice_event()).status_code == 200
    assert stored(app.runtime) == {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 1}
    with app.runtime.engine.connect() as connection:
        status, error, attempts, due = connection.execute(
            select(
                InboxRow.status,  # type: ignore[call-overload]
                InboxRow.last_error,
                InboxRow.attempts,
                InboxRow.next_attempt_at,
            )
        ).one()
    assert (status, attempts) == ("pending", 1)
    assert "users.info failed: HTTP 500" in error
    # Slack redelivering it meanwhile changes nothing; the retry handles it, once.
    app.event(thank_alice_event(), retry_num=1)
    assert process_pending_slack(app.runtime, app.slack.gateway) == []  # not due yet
    app.runtime.clock.set(app.runtime.clock.now + timedelta(minutes=5))  # type: ignore[attr-defined]
    (outcome,) = process_pending_slack(app.runtime, app.slack.gateway)
    assert outcome.status == "done"
    assert process_pending_slack(app.runtime, app.slack.gateway) == []
    assert len(slack_api.posts_to(REVIEW)) == 1
    assert stored(app.runtime) == {"credits": 0, "suggestions": 1, "outbox": 1, "inbox": 1}
    assert due is not None


def test_a_thread_the_bot_cannot_read_still_counts_a_thanks_that_names_the_helper(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    slack_api.fail("conversations.replies", 200, error="channel_not_found")
    app.event(thank_alice_event())
    (question,) = slack_api.posts_to(REVIEW)
    assert "<@U0ALICE> in <#C0HELP>" in question["blocks"][0]["text"]["text"]


def test_the_gateway_reports_a_long_rate_limit_with_its_wait_instead_of_sleeping(
    slack_api: SlackApiStandIn,
) -> None:
    gateway = WebClientSlackGateway(BOT_TOKEN, slack_api.url)
    slack_api.fail("chat.postMessage", 429, times=1, retry_after=120)
    with pytest.raises(ExternalServiceError) as caught:
        gateway.post_message("C0HELP", "hello")
    assert (caught.value.transient, caught.value.retry_after) == (True, 120)
    assert len(slack_api.calls_to("chat.postMessage")) == 1


def test_the_gateway_posts_updates_dms_and_publishes_through_the_configured_url(
    slack_api: SlackApiStandIn,
) -> None:
    gateway = WebClientSlackGateway(BOT_TOKEN, slack_api.url)
    ts = gateway.post_message("C0HELP", "hello", thread_ts="1793520000.000100")
    gateway.update_message("C0HELP", ts, "hello again")
    dm = gateway.send_dm("U0ALICE", "psst")
    gateway.post_ephemeral("C0HELP", "U0ALICE", "just you")
    gateway.publish_home("U0ALICE", {"type": "home", "blocks": []})
    assert gateway.user_info("U0ALICE")["profile"]["email"] == "alice@acme.example"
    assert gateway.permalink("C0HELP", ts) == (
        f"https://test.slack.example/archives/C0HELP/p{ts.replace('.', '')}"
    )
    assert slack_api.methods() == [
        "chat.postMessage",
        "chat.update",
        "conversations.open",
        "chat.postMessage",
        "chat.postEphemeral",
        "views.publish",
        "users.info",
        "chat.getPermalink",
    ]
    assert slack_api.calls_to("chat.postMessage")[1]["channel"] == "D0ALICE"
    assert dm.startswith("1793600000.")
    with pytest.raises(ExternalServiceError) as caught:
        gateway.user_info("U0NOBODY")
    assert (caught.value.transient, str(caught.value)) == (
        False,
        "Slack: users.info failed: user_not_found",
    )
