"""Accepted solutions become support credits, once; unaccepted ones are withdrawn."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime, timedelta

import pytest

from bot.discourse.gateway import make_discourse_gateway
from bot.discourse.handlers import process_pending_discourse
from bot.discourse.solutions import solution_credits as _solution_credits
from bot.runtime import Runtime
from scoring.models import Credit, IdentityKind
from storage.tables import CreditRow, InboxRow
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.support.cli import CliResult
from tests.support.clock import FixedClock
from tests.support.discourse import Deliver, payload
from tests.support.stored import count, forum_member, inbox_entry, solution_credit

pytestmark = pytest.mark.usefixtures("esther_answers_marco")

ANSWERED_AT = datetime(2026, 10, 14, 9, 12, 33, 512000, tzinfo=UTC)


@pytest.fixture
def cli_for_forum(
    cli: Callable[..., CliResult],
    forum: StandinDiscourse,
    monkeypatch: pytest.MonkeyPatch,
) -> Callable[..., CliResult]:
    """``creditbot`` on this test's database, with the stand-in forum's settings."""
    monkeypatch.setenv("DISCOURSE_URL", forum.url)
    monkeypatch.setenv("DISCOURSE_API_KEY", API_KEY)
    monkeypatch.setenv("DISCOURSE_API_USERNAME", API_USERNAME)
    return cli


def test_an_accepted_solution_in_a_support_category_credits_the_answers_author(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    response = deliver("accepted_solution", payload("accepted_solution"))

    assert response.status_code == 200
    assert response.json() == {"status": "accepted", "key": "accepted_solution:2211"}
    credit = solution_credit(forum_runtime, 2211)
    assert credit is not None
    assert (credit.type, credit.points, credit.source) == ("support", 2, "discourse")
    assert credit.occurred_at == ANSWERED_AT  # the answer's time, not the acceptance's
    assert credit.organisation == "beta"  # esther@beta.example, found through the API
    assert "How do I export grades to CSV?" in credit.note
    esther = forum_member(forum_runtime, "esther_o")
    assert esther is not None and esther.name == "Esther Okafor"
    assert esther.identity(IdentityKind.EMAIL) == "esther@beta.example"
    lookups = forum.calls("/u/esther_o/emails.json")
    assert len(lookups) == 1
    assert lookups[0].headers["api-key"] == API_KEY
    assert lookups[0].headers["api-username"] == API_USERNAME
    assert inbox_entry(forum_runtime, "accepted_solution:2211").status == "done"


def test_a_retried_delivery_with_a_new_event_id_credits_once(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    body = payload("accepted_solution")
    first = deliver("accepted_solution", body, event_id=301)
    again = deliver("accepted_solution", body, event_id=302)  # Discourse's retry: a new id

    assert first.json()["status"] == "accepted"
    assert again.status_code == 200
    assert again.json() == {"status": "duplicate", "key": "accepted_solution:2211"}
    assert count(forum_runtime, CreditRow) == 1
    assert len(forum.calls("/emails.json")) == 1


def test_an_unaccepted_solution_withdraws_the_credit_but_keeps_it_on_record(
    deliver: Deliver,
    forum_runtime: Runtime,
    forum: StandinDiscourse,
    cli: Callable[..., CliResult],
) -> None:
    deliver("accepted_solution", payload("accepted_solution"))
    forum.unaccept(871)
    response = deliver("unaccepted_solution", payload("unaccepted_solution"))

    assert response.json()["status"] == "accepted"
    credit = solution_credit(forum_runtime, 2211)
    assert credit is not None and credit.withdrawn
    assert count(forum_runtime, CreditRow) == 1
    report = cli("report", "--month", "2026-10", "--format", "json")
    assert report.code == 0
    assert '"members": []' in report.out


def test_answering_ones_own_topic_earns_no_credit(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    forum.add_topic(872, "Answering myself", "esther_o")
    body = payload("accepted_solution", topic_id=872, topic_slug="answering-myself")

    response = deliver("accepted_solution", body)

    assert response.status_code == 200
    assert solution_credit(forum_runtime, 2211) is None
    assert inbox_entry(forum_runtime, "accepted_solution:2211").status == "done"
    assert forum.calls("/emails.json") == []  # nobody to credit, nobody to look up


def test_a_solution_in_a_private_message_earns_nothing_and_is_not_stored(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    body = payload("accepted_solution", topic_archetype="private_message", category_id=None)

    response = deliver("accepted_solution", body)

    assert response.json()["status"] == "ignored"
    assert count(forum_runtime, InboxRow) == 0
    assert count(forum_runtime, CreditRow) == 0
    assert forum.requests == []


def test_a_solution_outside_the_support_categories_earns_nothing(
    deliver: Deliver, forum_runtime: Runtime
) -> None:
    response = deliver("accepted_solution", payload("accepted_solution", category_id=4))

    assert response.json()["status"] == "ignored"
    assert count(forum_runtime, CreditRow) == 0


def test_when_the_forum_drops_the_email_lookup_the_event_waits_and_is_credited_once_later(
    deliver: Deliver,
    forum_runtime: Runtime,
    forum: StandinDiscourse,
    cli_for_forum: Callable[..., CliResult],
) -> None:
    forum.disconnect("/emails.json")

    response = deliver("accepted_solution", payload("accepted_solution"))

    assert response.status_code == 200  # Discourse is answered at once, whatever happens
    assert solution_credit(forum_runtime, 2211) is None
    waiting = inbox_entry(forum_runtime, "accepted_solution:2211")
    assert waiting is not None and waiting.status == "pending" and waiting.attempts == 1
    assert "cannot be reached" in (waiting.last_error or "")

    retried = cli_for_forum("discourse", "retry")

    assert retried.code == 0, retried.err
    assert "1 processed" in retried.out
    credit = solution_credit(forum_runtime, 2211)
    assert credit is not None and credit.occurred_at == ANSWERED_AT
    assert cli_for_forum("discourse", "retry").out.strip() == "no Discourse events waiting"
    assert deliver("accepted_solution", payload("accepted_solution")).json()["status"] == (
        "duplicate"
    )
    assert count(forum_runtime, CreditRow) == 1


def test_when_the_forum_is_down_the_scheduled_retry_credits_once_it_is_back(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse, clock: FixedClock
) -> None:
    received = clock()
    forum.go_down()
    deliver("accepted_solution", payload("accepted_solution"))
    forum.come_back()
    gateway = make_discourse_gateway(forum_runtime.settings)

    too_soon = process_pending_discourse(forum_runtime, gateway, received + timedelta(seconds=30))
    assert too_soon.outcomes == []
    assert solution_credit(forum_runtime, 2211) is None

    later = process_pending_discourse(forum_runtime, gateway, received + timedelta(minutes=2))
    assert [o.status for o in later.outcomes] == ["done"]
    assert solution_credit(forum_runtime, 2211) is not None

    again = process_pending_discourse(forum_runtime, gateway, received + timedelta(hours=3))
    assert again.outcomes == []
    assert count(forum_runtime, CreditRow) == 1


def test_a_429_keeps_the_event_until_the_wait_discourse_asked_for_has_passed(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse, clock: FixedClock
) -> None:
    received = clock()
    forum.rate_limit("/emails.json", wait=300)

    deliver("accepted_solution", payload("accepted_solution"))

    waiting = inbox_entry(forum_runtime, "accepted_solution:2211")
    assert waiting is not None and waiting.status == "pending"
    assert waiting.next_attempt_at == received + timedelta(seconds=300)
    assert "wait 300s" in (waiting.last_error or "")
    gateway = make_discourse_gateway(forum_runtime.settings)
    assert (
        process_pending_discourse(forum_runtime, gateway, received + timedelta(minutes=4)).outcomes
        == []
    )
    done = process_pending_discourse(forum_runtime, gateway, received + timedelta(minutes=5))
    assert [o.status for o in done.outcomes] == ["done"]
    assert solution_credit(forum_runtime, 2211) is not None


def test_an_unaccept_that_overtakes_a_waiting_accept_leaves_no_credit(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse, clock: FixedClock
) -> None:
    forum.disconnect("/emails.json")
    deliver("accepted_solution", payload("accepted_solution"))
    forum.unaccept(871)
    deliver("unaccepted_solution", payload("unaccepted_solution"))

    gateway = make_discourse_gateway(forum_runtime.settings)
    result = process_pending_discourse(
        forum_runtime, gateway, clock() + timedelta(hours=1), include_scheduled=True
    )

    # the forum says nothing is accepted now: nothing to credit
    assert [o.status for o in result.outcomes] == ["done"]
    assert "not the accepted answer" in result.outcomes[0].message
    assert solution_credit(forum_runtime, 2211) is None


def test_a_solution_accepted_unaccepted_and_accepted_again_has_one_live_credit(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    """Each accept and unaccept asks the forum what is accepted now; the ledger follows."""
    answers = []
    for accepted in (True, False, True):
        if accepted:
            forum.accept_answer(871, 3, "esther_o")
        else:
            forum.unaccept(871)
        event = "accepted_solution" if accepted else "unaccepted_solution"
        answers.append(deliver(event, payload(event)).json()["status"])
        live = [c for c in solution_credits(forum_runtime, 2211) if not c.withdrawn]
        assert len(live) == (1 if accepted else 0), (event, live)
    assert answers == ["accepted", "accepted", "accepted"]
    # the second acceptance is a credit of its own; the first stays on record, withdrawn
    first, second = solution_credits(forum_runtime, 2211)
    assert first.withdrawn and not second.withdrawn
    assert second.occurred_at == ANSWERED_AT and second.points == first.points
    # Discourse's retry of that last accept (a new event id) changes nothing
    assert deliver("accepted_solution", payload("accepted_solution")).json()["status"] == (
        "duplicate"
    )
    assert len(solution_credits(forum_runtime, 2211)) == 2


def test_an_accept_whose_answer_was_unaccepted_meanwhile_credits_nothing(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    forum.unaccept(871)  # by the time creditbot asks, the forum has nothing accepted
    deliver("accepted_solution", payload("accepted_solution"))
    assert solution_credits(forum_runtime, 2211) == []
    assert any("/t/" in call.path for call in forum.calls("871"))


def solution_credits(runtime: Runtime, post_id: int) -> list[Credit]:
    with runtime.reader() as uow:
        return _solution_credits(uow, post_id)
