"""Caps on credits no team lead decided: one accepted solution over a cap is held as a
question for the team leads, never credited silently nor dropped."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from bot.services.ledger.suggestions import decide
from scoring.models import Identity, IdentityKind
from storage.tables import CreditRow
from tests.standins.discourse_api import StandinDiscourse
from tests.support.discourse import Deliver, payload
from tests.support.stored import count, solution_credit

pytestmark = pytest.mark.usefixtures("esther_answers_marco")


def _accept(deliver: Deliver, post_id: int, topic_id: int, event_id: int) -> None:
    body = payload("accepted_solution", id=post_id, topic_id=topic_id)
    assert deliver("accepted_solution", body, event_id=event_id).status_code == 200


def test_a_third_solution_for_the_same_asker_in_a_month_is_held_for_the_team_leads(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    for topic in (872, 873):
        forum.add_topic(topic, f"Another question {topic}", "marco")
        forum.accept_answer(topic, 3, "esther_o")

    for n, topic in enumerate((871, 872, 873)):
        _accept(deliver, 2211 + n, topic, 400 + n)

    assert count(forum_runtime, CreditRow) == 2
    assert solution_credit(forum_runtime, 2213) is None
    with forum_runtime.reader() as uow:
        (held,) = uow.suggestions.open()
        question = uow.outbox.by_key("question:forum:solution-2213")
    assert held.author_ref == "esther_o" and "same asker" in held.reason
    assert question is not None and question.target == "C01REVIEW"
    shown = str(question.payload["blocks"])
    assert "esther_o on the forum" in shown
    assert "Their points so far that day: 4" in shown  # two solutions credited that day

    with forum_runtime.uow() as uow:
        decide(
            uow,
            forum_runtime.config,
            held.id,
            by="U01LEAD",
            accept=True,
            type_name=None,
            now=forum_runtime.now(),
        )
        uow.commit()
    credit = solution_credit(forum_runtime, 2213)
    assert credit is not None and credit.granted_by == "U01LEAD"


def test_solutions_for_different_askers_are_not_capped_by_the_pair_rule(
    deliver: Deliver, forum_runtime: Runtime, forum: StandinDiscourse
) -> None:
    forum.add_user("lena", "lena@gmail.com", user_id=64, name="Lena")
    forum.add_user("omar", "omar@gmail.com", user_id=65, name="Omar")
    forum.add_topic(872, "Question two", "lena")
    forum.add_topic(873, "Question three", "omar")
    for topic in (872, 873):
        forum.accept_answer(topic, 3, "esther_o")

    for n, topic in enumerate((871, 872, 873)):
        _accept(deliver, 2211 + n, topic, 500 + n)

    assert count(forum_runtime, CreditRow) == 3


def test_an_accepted_solution_is_told_to_the_answerer_by_slack_dm_with_its_link(
    deliver: Deliver, forum_runtime: Runtime
) -> None:
    with forum_runtime.uow() as uow:
        ensure_member(
            uow,
            forum_runtime.config,
            [
                Identity(IdentityKind.SLACK, "U0ESTHER"),
                Identity(IdentityKind.EMAIL, "esther@beta.example"),
            ],
            "Esther Okafor",
            forum_runtime.now(),
        )
        uow.commit()

    _accept(deliver, 2211, 871, 600)

    with forum_runtime.reader() as uow:
        (notice,) = [m for m in uow.outbox.list(limit=100) if m.key.startswith("credit-notice:")]
    assert notice.target == "U0ESTHER" and notice.kind == "dm"
    assert notice.payload["text"].startswith("2 points (support) for http") and notice.payload[
        "text"
    ].endswith(
        "/t/how-do-i-export-grades-to-csv/871/3, for an accepted solution on the forum "
        "\u2014 thank you!\n"
        "I send you a message like this each time you are credited; "
        "`/credit quiet credits` turns them off."
    )
