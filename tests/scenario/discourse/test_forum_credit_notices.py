"""A member with a forum account and no Slack account is told of a credit (and of its
revoke) by a Discourse private message through the outbox: the webhook is signed as
Discourse signs it, the messages are read from the forum stand-in."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta

import pytest

from bot.discourse.gateway import make_discourse_gateway
from bot.outbox.worker import deliver_due
from bot.runtime import Runtime
from bot.services.people.notices import BATCH
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.support.cli import CliResult
from tests.support.clock import FixedClock
from tests.support.discourse import Deliver, payload
from tests.support.stored import solution_credit

pytestmark = pytest.mark.usefixtures("esther_answers_marco")

Cli = Callable[..., CliResult]


@pytest.fixture
def manager(cli: Cli, forum: StandinDiscourse, monkeypatch: pytest.MonkeyPatch) -> Cli:
    """``creditbot`` on this test's database, with the stand-in forum's settings."""
    monkeypatch.setenv("DISCOURSE_URL", forum.url)
    monkeypatch.setenv("DISCOURSE_API_KEY", API_KEY)
    monkeypatch.setenv("DISCOURSE_API_USERNAME", API_USERNAME)
    return cli


def _accept(deliver: Deliver, post_id: int, topic_id: int, event_id: int) -> None:
    body = payload("accepted_solution", id=post_id, topic_id=topic_id)
    assert deliver("accepted_solution", body, event_id=event_id).status_code == 200


def _two_solutions(deliver: Deliver, forum: StandinDiscourse) -> None:
    """Esther's answers accepted in two topics at once (one batch)."""
    forum.add_user("lena", "lena@gmail.com", user_id=64, name="Lena")
    forum.add_topic(872, "Question two", "lena")
    forum.accept_answer(872, 3, "esther_o")
    _accept(deliver, 2211, 871, 401)
    _accept(deliver, 2212, 872, 402)


def _send_due(runtime: Runtime, clock: FixedClock) -> None:
    clock.set(clock.now + BATCH + timedelta(seconds=1))
    forum = make_discourse_gateway(runtime.settings)
    deliver_due(runtime, None, forum, clock.now)


def test_a_forum_only_member_is_told_of_a_burst_of_solutions_in_one_private_message(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse, clock: FixedClock
) -> None:
    _two_solutions(deliver, forum)
    _send_due(forum_runtime, clock)

    ((title, raw),) = forum.private_messages("esther_o")
    assert title == "You were credited"
    assert raw.startswith("You were credited:\n\n* 2 points (support) for http")
    assert raw.count(", for an accepted solution on the forum") == 2
    assert "We send you a message like this each time you are credited." in raw
    assert "Reply to this message and we will not write again" in raw
    assert "/credit" not in raw and "<@" not in raw


def test_a_forum_only_member_who_opted_out_gets_no_credit_message(
    deliver: Deliver,
    forum_runtime: Runtime,
    forum: StandinDiscourse,
    clock: FixedClock,
    manager: Cli,
    config_data: dict[str, object],
) -> None:
    _accept(deliver, 2211, 871, 401)
    _send_due(forum_runtime, clock)
    assert len(forum.private_messages("esther_o")) == 1
    assert manager("member", "quiet", "esther_o").code == 0
    forum.add_user("lena", "lena@gmail.com", user_id=64, name="Lena")
    forum.add_topic(872, "Question two", "lena")
    forum.accept_answer(872, 3, "esther_o")

    _accept(deliver, 2212, 872, 402)
    _send_due(forum_runtime, clock)

    assert len(forum.private_messages("esther_o")) == 1
    assert solution_credit(forum_runtime, 2212) is not None  # credited all the same


def test_credit_revoke_tells_a_forum_only_member_by_private_message(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse, manager: Cli
) -> None:
    _accept(deliver, 2211, 871, 401)
    credit = solution_credit(forum_runtime, 2211)
    assert credit is not None

    result = manager("credit", "revoke", str(credit.id), "--reason", "answered <b>twice</b>")

    assert result.code == 0, result.err
    assert result.out == f"revoked credit {credit.id} (2 points); the member is told privately\n"
    (title, raw), *_ = [m for m in forum.private_messages("esther_o") if "withdrew" in m[1]]
    assert title == "One of your credits was withdrawn"
    assert raw.startswith("A team lead withdrew one of your credits: 2 points (support) of ")
    assert f"(credit {credit.id}). Reason: answered \\<b\\>twice\\</b\\>." in raw
    assert "If you think this is a mistake, reply to this message." in raw


def test_a_solution_unaccepted_while_its_notice_waits_is_not_announced(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse, clock: FixedClock
) -> None:
    _two_solutions(deliver, forum)

    forum.unaccept(871)  # within the batch: the notice is still waiting
    body = payload("unaccepted_solution", id=2211, topic_id=871)
    assert deliver("unaccepted_solution", body, event_id=403).status_code == 200
    _send_due(forum_runtime, clock)

    ((_title, raw),) = forum.private_messages("esther_o")
    assert raw.startswith("2 points (support) for http") and "/872/" in raw
    assert "/871/" not in raw and raw.count("accepted solution") == 1
    withdrawn = solution_credit(forum_runtime, 2211)
    assert withdrawn is not None and withdrawn.withdrawn  # on record, not announced


def test_a_lone_solution_unaccepted_while_its_notice_waits_sends_nothing(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse, clock: FixedClock
) -> None:
    _accept(deliver, 2211, 871, 401)
    forum.unaccept(871)
    body = payload("unaccepted_solution", id=2211, topic_id=871)
    assert deliver("unaccepted_solution", body, event_id=402).status_code == 200
    _send_due(forum_runtime, clock)

    assert forum.private_messages("esther_o") == []
