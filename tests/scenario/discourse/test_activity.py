"""Sign-ups, topics and posts are activity (not credit); one person is one member."""

from __future__ import annotations

import json
from collections.abc import Callable
from datetime import UTC, date, datetime

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from storage.tables import ActivityRow, CreditRow, InboxRow, MemberRow
from tests.standins.discourse_api import StandinDiscourse
from tests.support.cli import CliResult
from tests.support.discourse import Deliver, payload
from tests.support.stored import count, forum_member, solution_credit


def _activity(runtime: Runtime, username: str, day: date) -> dict[str, int]:
    member = forum_member(runtime, username)
    assert member is not None, f"{username} is not a member"
    with runtime.reader() as uow:
        return uow.activity.on_day(member.id, day)


def test_a_new_forum_user_becomes_a_member_affiliated_by_the_email_in_the_webhook(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    response = deliver("user_created", payload("user_created"))

    assert response.json()["status"] == "accepted"
    nadia = forum_member(forum_runtime, "nadia_p")
    assert nadia is not None and nadia.name == "Nadia Petrova"
    assert nadia.identity(IdentityKind.EMAIL) == "nadia@acme.example"
    assert nadia.first_seen == datetime(2026, 10, 20, 15, 2, 11, 420000, tzinfo=UTC)
    with forum_runtime.reader() as uow:
        assert uow.members.organisation_on(nadia.id, date(2026, 10, 20)) == "acme"
    assert _activity(forum_runtime, "nadia_p", date(2026, 10, 20)) == {"forum_join": 1}
    assert forum.requests == []  # the user webhook carries the e-mail: no API call
    assert count(forum_runtime, CreditRow) == 0


def test_topics_and_posts_are_counted_per_day_as_activity_not_credit(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    forum.add_user("nadia_p", "nadia@acme.example", user_id=58, name="Nadia Petrova")

    deliver("topic_created", payload("topic_created"))
    deliver("post_created", payload("post_created"))
    deliver("post_created", payload("post_created", id=2241, post_number=3))
    deliver("post_created", payload("post_created", id=2241, post_number=3))  # a retry

    assert _activity(forum_runtime, "nadia_p", date(2026, 10, 21)) == {
        "forum_topic": 1,
        "forum_post": 2,
    }
    assert count(forum_runtime, CreditRow) == 0
    assert len(forum.calls("/emails.json")) == 1  # looked up once, then known


def test_a_private_message_a_whisper_and_a_system_post_are_ignored_and_not_stored(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    answers = [
        deliver("post_created", payload("post_created_private_message")),
        deliver("post_created", payload("post_created_whisper")),
        deliver("post_created", payload("post_created", id=2250, username="system", user_id=-1)),
        deliver("post_created", payload("post_created", id=2251, username="discobot", user_id=-2)),
        deliver("topic_created", payload("topic_created", archetype="private_message")),
    ]

    assert [a.json()["status"] for a in answers] == ["ignored"] * 5
    assert count(forum_runtime, InboxRow) == 0
    assert count(forum_runtime, MemberRow) == 0
    assert count(forum_runtime, ActivityRow) == 0
    assert forum.requests == []


def test_the_same_person_on_slack_and_on_the_forum_is_one_member_in_the_report(
    deliver: Deliver,
    forum_runtime: Runtime,
    forum: StandinDiscourse,
    esther_answers_marco: None,
    cli: Callable[..., CliResult],
    clock: Callable[[], datetime],
) -> None:
    with forum_runtime.uow() as uow:
        ensure_member(
            uow,
            forum_runtime.config,
            [
                Identity(IdentityKind.SLACK, "U0ESTHER"),
                Identity(IdentityKind.EMAIL, "Esther@Beta.example"),
            ],
            "Esther Okafor",
            clock(),
        )
        uow.commit()

    deliver("post_created", payload("post_created", username="esther_o", user_id=57))
    deliver("accepted_solution", payload("accepted_solution"))

    assert count(forum_runtime, MemberRow) == 1
    credit = solution_credit(forum_runtime, 2211)
    assert credit is not None
    report = cli("report", "--month", "2026-10", "--format", "json")
    assert report.code == 0, report.err
    members = json.loads(report.out)["members"]
    assert members == [
        {
            "name": "Esther Okafor",
            "slack_id": "U0ESTHER",
            "discourse_username": "esther_o",
            "organisation": "beta",
            "points": 2,
            "credits": 1,
        }
    ]
