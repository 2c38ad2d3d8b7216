"""A solution accepted, unaccepted, then accepted again over a cap: held for the team
leads like any other, and a lead's Yes gives it a live credit of its own."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from bot.services.ledger.suggestions import Decision, decide
from scoring.suggestions import Suggestion
from tests.scenario.discourse.test_solutions import solution_credits
from tests.standins.discourse_api import StandinDiscourse
from tests.support.discourse import Deliver, payload

pytestmark = pytest.mark.usefixtures("esther_answers_marco")


def _two_more_solutions_for_marco(deliver: Deliver, forum: StandinDiscourse) -> None:
    for n, topic in enumerate((872, 873)):
        forum.add_topic(topic, f"Another question {topic}", "marco")
        forum.accept_answer(topic, 3, "esther_o")
        body = payload("accepted_solution", id=2212 + n, topic_id=topic)
        assert deliver("accepted_solution", body, event_id=710 + n).status_code == 200


def _third_solution_held(
    deliver: Deliver, forum: StandinDiscourse, runtime: Runtime, event_id: int
) -> Suggestion:
    """Esther's third solution for Marco this month (post 2211): held for the leads."""
    _two_more_solutions_for_marco(deliver, forum)
    deliver("accepted_solution", payload("accepted_solution"), event_id=event_id)
    with runtime.reader() as uow:
        (held,) = uow.suggestions.open()
    return held


def _lead_says_yes(runtime: Runtime, suggestion_id: int) -> Decision:
    with runtime.uow() as uow:
        decision = decide(
            uow,
            runtime.config,
            suggestion_id,
            by="U01LEAD",
            accept=True,
            type_name=None,
            now=runtime.now(),
        )
        uow.commit()
    return decision


def _posted_to_the_review_channel(runtime: Runtime) -> None:
    """The held question about post 2211 as if the outbox worker had posted it."""
    with runtime.uow() as uow:
        posted = uow.outbox.by_key("question:forum:solution-2211")
        assert posted is not None
        uow.outbox.mark_sent(posted.id, "1793000000.000100", runtime.now())
        uow.commit()


def test_a_leads_yes_credits_a_solution_held_when_it_was_accepted_again(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    deliver("accepted_solution", payload("accepted_solution"), event_id=700)
    forum.unaccept(871)
    deliver("unaccepted_solution", payload("unaccepted_solution"), event_id=701)
    _two_more_solutions_for_marco(deliver, forum)
    forum.accept_answer(871, 3, "esther_o")
    deliver("accepted_solution", payload("accepted_solution"), event_id=702)
    with forum_runtime.reader() as uow:
        (held,) = uow.suggestions.open()

    decision = _lead_says_yes(forum_runtime, held.id)

    first, second = solution_credits(forum_runtime, 2211)
    assert first.withdrawn and not second.withdrawn
    assert second.granted_by == "U01LEAD" and second.points == 2
    assert decision.credit is not None and decision.credit.id == second.id
    with forum_runtime.reader() as uow:
        notices = [m for m in uow.outbox.list(limit=100) if m.key.startswith("credit-notice:")]
    (notice,) = notices  # credits within minutes of each other are told in one message
    assert notice.payload["lines"][-1].endswith("/871/3, confirmed by a team lead")


def test_a_solution_credited_by_a_lead_then_unaccepted_and_accepted_again_is_asked_again(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    first = _third_solution_held(deliver, forum, forum_runtime, 720)
    _lead_says_yes(forum_runtime, first.id)
    forum.unaccept(871)
    deliver("unaccepted_solution", payload("unaccepted_solution"), event_id=721)

    forum.accept_answer(871, 3, "esther_o")
    deliver("accepted_solution", payload("accepted_solution"), event_id=722)

    with forum_runtime.reader() as uow:
        (again,) = uow.suggestions.open()
        questions = [m.key for m in uow.outbox.list(limit=100) if m.key.startswith("question:")]
    assert again.id != first.id and "over a cap" in again.reason
    assert len(questions) == 2  # the leads are asked about the new acceptance too


def test_a_held_solution_unaccepted_before_the_leads_answer_leaves_nothing_to_decide(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    held = _third_solution_held(deliver, forum, forum_runtime, 730)
    _posted_to_the_review_channel(forum_runtime)

    forum.unaccept(871)
    deliver("unaccepted_solution", payload("unaccepted_solution"), event_id=731)

    late = _lead_says_yes(forum_runtime, held.id)
    with forum_runtime.reader() as uow:
        assert uow.suggestions.open() == []
    assert not late.won and late.credit is None
    assert solution_credits(forum_runtime, 2211) == []
    with forum_runtime.reader() as uow:
        update = uow.outbox.by_key(f"question-closed:{held.id}")
    assert update is not None and update.target == "C01REVIEW"
    assert update.payload["ts"] == "1793000000.000100"
    assert "no longer accepted on the forum" in update.payload["text"]


def test_the_notification_text_of_a_held_solution_names_the_forum_user_as_text(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    held = _third_solution_held(deliver, forum, forum_runtime, 740)
    with forum_runtime.reader() as uow:
        asked = uow.outbox.by_key("question:forum:solution-2211")
    _posted_to_the_review_channel(forum_runtime)
    answered = _lead_says_yes(forum_runtime, held.id)
    with forum_runtime.reader() as uow:
        update = uow.outbox.by_key(answered.outbox_key or "")

    assert asked is not None and update is not None
    for text in (asked.payload["text"], update.payload["text"]):
        assert "<@esther_o>" not in text and "<#forum>" not in text, text
        assert "esther_o on the forum" in text, text
