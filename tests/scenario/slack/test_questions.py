"""Answering "is this a contribution?": the first team lead decides, once."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from scoring.models import Identity, IdentityKind
from scoring.suggestions import Suggestion, SuggestionStatus
from storage.tables import CreditRow
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import (
    ANSWER_TS,
    HELP,
    REVIEW,
    add_help_thread,
    answer_body,
    thank_alice_event,
)
from tests.support.stored import count, stored


@pytest.fixture
def question(app: RunningApp, slack_api: SlackApiStandIn) -> Suggestion:
    """The question about Alice's answer, posted in the review channel."""
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    with app.runtime.reader() as uow:
        (suggestion,) = uow.suggestions.open()
    assert suggestion.question_ts is not None
    slack_api.clear()
    return suggestion


def _alice_credits(app: RunningApp) -> list[tuple[str, int, datetime, str | None]]:
    with app.runtime.reader() as uow:
        alice = uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE"))
        assert alice is not None
        return [
            (c.type, c.points, c.occurred_at, c.organisation)
            for c in uow.credits.for_member(alice.id)
        ]


def _status(app: RunningApp, suggestion_id: int) -> Suggestion:
    with app.runtime.reader() as uow:
        found = uow.suggestions.get(suggestion_id)
    assert found is not None
    return found


def test_a_team_leads_yes_credits_the_helper_at_the_time_of_their_message(
    app: RunningApp, slack_api: SlackApiStandIn, question: Suggestion
) -> None:
    body = answer_body(question.id, "U01LEAD", kind="docs", question_ts=question.question_ts or "")
    assert app.action(body).status_code == 200
    assert _alice_credits(app) == [
        ("docs", 3, datetime(2026, 11, 1, 8, 20, 0, 200, tzinfo=UTC), "acme")
    ]
    (update,) = slack_api.calls_to("chat.update")
    assert (update["channel"], update["ts"]) == (REVIEW, question.question_ts)
    outcome = update["blocks"][-1]["text"]["text"]
    assert outcome == ":white_check_mark: Credited as *docs*, 3 points by <@U01LEAD>"
    assert all(block["type"] != "actions" for block in update["blocks"])
    decided = _status(app, question.id)
    assert (decided.status, decided.decided_by, decided.decided_type) == (
        SuggestionStatus.ACCEPTED,
        "U01LEAD",
        "docs",
    )
    assert slack_api.calls_to("chat.postEphemeral") == []


def test_a_no_is_kept_as_a_rejection_and_shown_on_the_question(
    app: RunningApp, slack_api: SlackApiStandIn, question: Suggestion
) -> None:
    app.action(answer_body(question.id, "U02LEAD", accept=False))
    assert _alice_credits(app) == []
    rejected = _status(app, question.id)
    assert (rejected.status, rejected.decided_by) == (SuggestionStatus.REJECTED, "U02LEAD")
    (update,) = slack_api.calls_to("chat.update")
    assert update["blocks"][-1]["text"]["text"] == ":x: Not a contribution: decided by <@U02LEAD>"


def test_a_double_click_credits_once_and_the_second_click_hears_it_was_decided(
    app: RunningApp, slack_api: SlackApiStandIn, question: Suggestion
) -> None:
    body = answer_body(question.id, "U01LEAD")
    app.action(body, drain=False)
    app.action(body)
    assert len(_alice_credits(app)) == 1
    assert len(slack_api.calls_to("chat.update")) == 1
    (note,) = slack_api.calls_to("chat.postEphemeral")
    assert note["user"] == "U01LEAD"
    assert note["text"] == "This question was already decided by you: credited as *support*."


def test_two_team_leads_answering_at_once_give_exactly_one_decision(
    app: RunningApp, slack_api: SlackApiStandIn, question: Suggestion
) -> None:
    start = threading.Barrier(2)
    bodies = {
        "U01LEAD": answer_body(question.id, "U01LEAD", kind="code"),
        "U02LEAD": answer_body(question.id, "U02LEAD", accept=False),
    }

    def click(lead: str) -> None:
        start.wait()
        app.action(bodies[lead], drain=False)

    threads = [threading.Thread(target=click, args=(lead,)) for lead in bodies]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.drain()
    decided = _status(app, question.id)
    winner = decided.decided_by
    loser = "U02LEAD" if winner == "U01LEAD" else "U01LEAD"
    assert len(_alice_credits(app)) == (1 if winner == "U01LEAD" else 0)
    assert len(slack_api.calls_to("chat.update")) == 1
    (note,) = slack_api.calls_to("chat.postEphemeral")
    assert note["user"] == loser
    assert note["text"].startswith(f"This question was already decided by <@{winner}>")


def test_someone_who_is_not_a_team_lead_is_refused_privately_and_nothing_changes(
    app: RunningApp, slack_api: SlackApiStandIn, question: Suggestion
) -> None:
    before = stored(app.runtime)
    app.action(answer_body(question.id, "U0BOB"))
    (note,) = slack_api.calls_to("chat.postEphemeral")
    assert (note["channel"], note["user"]) == (REVIEW, "U0BOB")
    assert note["text"].startswith("Only team leads can answer these questions.")
    assert stored(app.runtime) == before
    assert _status(app, question.id).status == SuggestionStatus.OPEN
    assert slack_api.calls_to("chat.update") == []


def test_a_team_lead_cannot_decide_on_their_own_message(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    slack_api.add_message(HELP, "1793520000.000100", "U0DMITRI", "How do I rotate logs?")
    slack_api.add_message(
        HELP, ANSWER_TS, "U01LEAD", "Use logrotate's copytruncate.", thread_ts="1793520000.000100"
    )
    app.event(thank_alice_event(text="thanks <@U01LEAD>, that did it"))
    with app.runtime.reader() as uow:
        (suggestion,) = uow.suggestions.open()
    before = stored(app.runtime)
    app.action(answer_body(suggestion.id, "U01LEAD"))
    (note,) = slack_api.calls_to("chat.postEphemeral")
    assert note["text"] == "Nobody can decide on their own contribution; another team lead will."
    assert stored(app.runtime) == before
    app.action(answer_body(suggestion.id, "U02LEAD"))
    assert count(app.runtime, CreditRow) == 1


def test_choosing_a_type_in_the_menu_is_acked_and_changes_nothing(
    app: RunningApp, question: Suggestion
) -> None:
    body = answer_body(question.id, "U01LEAD", kind="code")
    body["actions"][0] = {
        "type": "static_select",
        "action_id": "suggestion_type",
        "block_id": f"suggestion:{question.id}",
        "selected_option": {"text": {"type": "plain_text", "text": "code"}, "value": "code"},
        "action_ts": "1793523700.000001",
    }
    before = stored(app.runtime)
    assert app.action(body).status_code == 200
    assert stored(app.runtime) == before
