"""Team leads pressing Yes (or No) on the same question at the same moment, many times.

For each of several questions, both team leads click at once, each of them twice (a
double click), released together by a barrier; then every question gets another round of
clicks once it is decided. Whatever the interleaving: one decision per question (the
first click to commit), one credit when that decision was Yes (of the winner's type,
for the helper), the question in the review channel updated once, and every other click
answered privately with who decided first.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from scoring.models import Identity, IdentityKind
from scoring.suggestions import Suggestion, SuggestionStatus
from tests.standins.slack_api import SlackApiStandIn
from tests.support.concurrency import all_at_once
from tests.support.delivery import run_outbox_worker
from tests.support.serving import RunningApp
from tests.support.slack import REVIEW, answer_body, payload

HELP = "C0HELP"
QUESTIONS = 8
LEADS = ("U01LEAD", "U02LEAD")
HELPERS = ("U0ALICE", "U0BOB")
KIND = {"U01LEAD": "code", "U02LEAD": "docs"}


def _ts(n: int) -> str:
    return f"{1793400000 + n}.000100"


def ask(app: RunningApp, slack_api: SlackApiStandIn, n: int) -> None:
    """Thread ``n`` in #help: Dmitri asks, a helper answers, Dmitri thanks them."""
    parent, answer, thanks = _ts(10 * n), _ts(10 * n + 1), _ts(10 * n + 2)
    helper = HELPERS[n % 2]
    slack_api.add_message(HELP, parent, "U0DMITRI", f"Question {n}: the calendar is off by one?")
    slack_api.add_message(
        HELP, answer, helper, f"Answer {n}: set the server timezone", thread_ts=parent
    )
    envelope = payload("event_message_thread_reply")
    envelope["event_id"] = f"Ev0ASK{n:04d}"
    envelope["event"].update(
        text=f"thanks <@{helper}>, that fixed it!", ts=thanks, event_ts=thanks, thread_ts=parent
    )
    envelope["event"].pop("blocks")
    assert app.event(envelope).status_code == 200


def _questions(app: RunningApp) -> list[Suggestion]:
    with app.runtime.reader() as uow:
        found = [uow.suggestions.for_message(HELP, _ts(10 * n + 1)) for n in range(QUESTIONS)]
    assert all(q is not None for q in found)
    return [q for q in found if q is not None]


def _credits(app: RunningApp, slack_id: str) -> list[tuple[str, str | None, str]]:
    """(type, granted by, reference) of each credit of a Slack user."""
    with app.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
        assert member is not None
        return [(c.type, c.granted_by, c.source_ref) for c in uow.credits.for_member(member.id)]


def test_leads_clicking_at_the_same_moment_give_one_decision_and_one_credit_per_question(
    live_app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    for n in range(QUESTIONS):
        ask(live_app, slack_api, n)
    questions = _questions(live_app)
    assert all(q.question_ts for q in questions)
    assert len(slack_api.posts_to(REVIEW)) == QUESTIONS
    slack_api.clear()

    # What each lead presses: on even questions both say Yes (each with a type of their
    # own), on odd ones the first lead says Yes and the second No.
    def click(q: Suggestion, lead: str) -> dict[str, Any]:
        accept = lead == LEADS[0] or q.id % 2 == 0
        body = answer_body(
            q.id, lead, accept=accept, kind=KIND[lead], question_ts=q.question_ts or ""
        )
        body["response_url"] = slack_api.response_url(lead)
        return body

    # Round one: both leads twice each, at once. Round two: the same again, decided by now.
    for _round in range(2):
        for q in questions:
            bodies = [click(q, lead) for lead in LEADS for _twice in range(2)]
            codes = all_at_once(
                [lambda b=b: live_app.action(b, drain=False).status_code for b in bodies]
            )
            assert codes == [200] * len(bodies)
    live_app.drain()
    run_outbox_worker(live_app.runtime, live_app.slack.gateway)

    updates = Counter(call["ts"] for call in slack_api.calls_to("chat.update"))
    expected_credits: dict[str, set[tuple[str, str, str]]] = {h: set() for h in HELPERS}
    expected_notes: Counter[tuple[str, str]] = Counter()
    for q in _questions(live_app):
        winner = q.decided_by
        assert winner in LEADS, f"question {q.id} was not decided"
        said_yes = winner == LEADS[0] or q.id % 2 == 0
        assert q.status == (SuggestionStatus.ACCEPTED if said_yes else SuggestionStatus.REJECTED)
        if said_yes:
            assert q.decided_type == KIND[winner]
            ref = f"{HELP}:{q.message_ts}:{q.author_ref}"
            expected_credits[q.author_ref].add((KIND[winner], winner, ref))
            what = f"credited as *{KIND[winner]}*"
        else:
            what = "not a contribution"
        # The question in the review channel shows the decision: updated once.
        assert updates[q.question_ts] == 1
        # Each of the other 7 clicks hears privately who decided (the winner: "you").
        for lead in LEADS:
            who = "you" if lead == winner else f"<@{winner}>"
            clicks = 4 - (1 if lead == winner else 0)
            expected_notes[(lead, f"This question was already decided by {who}: {what}.")] += clicks
    assert sum(updates.values()) == QUESTIONS
    for helper in HELPERS:
        credits = _credits(live_app, helper)
        assert len(credits) == len(set(credits)) == len(expected_credits[helper])
        assert set(credits) == expected_credits[helper]
    notes = slack_api.calls_to("chat.postEphemeral")
    assert {n["channel"] for n in notes} == {REVIEW}
    assert Counter((n["user"], n["text"]) for n in notes) == expected_notes
