"""``creditbot discourse sync``: the backstop for forums whose webhooks cannot arrive."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime

import pytest

from bot.discourse.gateway import PydiscourseGateway
from bot.discourse.ratelimit import TokenBucket
from bot.discourse.sync import sync_forum
from bot.runtime import Runtime
from storage.tables import CreditRow
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.support.cli import CliResult
from tests.support.discourse import Deliver, payload
from tests.support.stored import count, forum_member, solution_credit


@pytest.fixture
def busy_forum(forum: StandinDiscourse) -> StandinDiscourse:
    """October on the forum: questions, answers, two accepted solutions, one self-answer,
    one from September (before the period) and a private conversation."""
    forum.page_size = 3  # so that the sync has to page
    forum.add_user("marco", "marco@gmail.com", user_id=63, name="Marco Rossi")
    forum.add_user("esther_o", "esther@beta.example", user_id=57, name="Esther Okafor")
    forum.add_user("nadia_p", "nadia@acme.example", user_id=58, name="Nadia Petrova")
    # post ids grow with time, as Discourse's do
    forum.add_topic(
        860, "Old question", "marco", created_at="2026-09-10T10:00:00.000Z", first_post_id=2099
    )
    forum.add_reply(860, "esther_o", "2026-09-11T10:00:00.000Z", post_id=2100)
    forum.accept(860, 2100)
    forum.add_topic(
        871, "How do I export grades to CSV?", "marco", created_at="2026-10-13T10:00:00.000Z"
    )
    forum.add_reply(871, "nadia_p", "2026-10-13T11:00:00.000Z", post_id=2210)
    forum.add_reply(871, "esther_o", "2026-10-14T09:12:33.512Z", post_id=2211)
    forum.accept(871, 2211)
    forum.add_topic(
        873,
        "Quiz timer resets",
        "nadia_p",
        created_at="2026-10-15T08:00:00.000Z",
        first_post_id=2230,
    )
    forum.add_reply(873, "nadia_p", "2026-10-15T09:00:00.000Z", post_id=2231)
    forum.accept(873, 2231)  # her own topic: no credit
    forum.add_topic(
        874, "Another fix", "nadia_p", created_at="2026-10-16T08:00:00.000Z", first_post_id=2240
    )
    forum.add_reply(874, "marco", "2026-10-16T09:30:00.000Z", post_id=2241)
    forum.accept(874, 2241)
    forum.add_topic(
        885,
        "About your invoice",
        "marco",
        category_id=None,
        archetype="private_message",
        created_at="2026-10-17T08:00:00.000Z",
        first_post_id=2250,
    )
    return forum


def _gateway(forum: StandinDiscourse) -> PydiscourseGateway:
    return PydiscourseGateway(
        forum.url,
        API_USERNAME,
        API_KEY,
        bucket=TokenBucket(per_minute=6000, burst=100),
        timeout=(2, 5),
    )


def test_the_sync_credits_the_periods_accepted_solutions_and_records_its_posts(
    busy_forum: StandinDiscourse, forum_runtime: Runtime, clock: Callable[[], datetime]
) -> None:
    since = datetime(2026, 10, 1, tzinfo=UTC)

    result = sync_forum(forum_runtime, _gateway(busy_forum), since, clock())

    assert result.count("retry") == 0
    esther = solution_credit(forum_runtime, 2211)
    assert esther is not None and esther.organisation == "beta"
    assert esther.occurred_at == datetime(2026, 10, 14, 9, 12, 33, 512000, tzinfo=UTC)
    assert solution_credit(forum_runtime, 2241) is not None  # Marco, on Nadia's topic
    assert solution_credit(forum_runtime, 2231) is None  # Nadia answered herself
    assert solution_credit(forum_runtime, 2100) is None  # September: before the period
    assert count(forum_runtime, CreditRow) == 2
    nadia = forum_member(forum_runtime, "nadia_p")
    assert nadia is not None
    with forum_runtime.reader() as uow:
        assert uow.activity.on_day(nadia.id, date(2026, 10, 15)) == {
            "forum_topic": 1,
            "forum_post": 2,
        }
    # the private conversation was never asked for: /posts.json lists public posts only
    assert all("885" not in call.path for call in busy_forum.calls())


def test_a_second_sync_and_an_earlier_webhook_add_nothing(
    busy_forum: StandinDiscourse,
    forum_runtime: Runtime,
    deliver: Deliver,
    clock: Callable[[], datetime],
) -> None:
    deliver("accepted_solution", payload("accepted_solution"))
    since = datetime(2026, 10, 1, tzinfo=UTC)

    first = sync_forum(forum_runtime, _gateway(busy_forum), since, clock())
    second = sync_forum(forum_runtime, _gateway(busy_forum), since, clock())

    assert first.already_known == 1  # the webhook's accepted_solution:2211
    assert second.outcomes == []
    assert second.already_known == first.already_known + len(first.outcomes)
    assert count(forum_runtime, CreditRow) == 2


def test_the_sync_command_reports_what_it_did(
    busy_forum: StandinDiscourse,
    forum_runtime: Runtime,
    cli: Callable[..., CliResult],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DISCOURSE_URL", busy_forum.url)
    monkeypatch.setenv("DISCOURSE_API_KEY", API_KEY)
    monkeypatch.setenv("DISCOURSE_API_USERNAME", API_USERNAME)
    monkeypatch.setenv("DISCOURSE_API_REQUESTS_PER_MINUTE", "6000")

    result = cli("discourse", "sync", "--since", "2026-10-01")

    assert result.code == 0, result.err
    assert "forum since 2026-10-01T00:00:00+00:00" in result.out
    assert "3 accepted solutions read" in result.out
    assert count(forum_runtime, CreditRow) == 2


def test_the_sync_command_names_the_missing_setting(
    runtime: Runtime, cli: Callable[..., CliResult]
) -> None:
    result = cli("discourse", "sync")

    assert result.code == 1
    assert "DISCOURSE_URL is not set" in result.err
