""" "thanks @alice and @bob": one question, with a choice of whom to credit."""

from __future__ import annotations

from datetime import UTC, datetime

from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import (
    HELP,
    PARENT_TS,
    REVIEW,
    add_help_thread,
    answer_body,
    thank_alice_event,
)

BOB_TS = "1793521500.000250"


def _thank_both(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    add_help_thread(slack_api)
    slack_api.add_message(HELP, BOB_TS, "U0BOB", "And clear the cache.", thread_ts=PARENT_TS)
    envelope = thank_alice_event(text="thanks <@U0ALICE> and <@U0BOB>, works now!")
    envelope["event"].pop("blocks", None)
    assert app.event(envelope).status_code == 200


def _answer_choosing(app: RunningApp, chosen: str) -> None:
    """A team lead picks ``chosen`` in the question's menu and presses Yes."""
    with app.runtime.reader() as uow:
        (question,) = uow.suggestions.open()
    body = answer_body(question.id, "U01LEAD", question_ts=question.question_ts or "")
    body["state"]["values"][f"suggestion:{question.id}"]["suggestion_helper"] = {
        "type": "static_select",
        "selected_option": {"value": chosen},
    }
    assert app.action(body).status_code == 200


def _slack_credits(app: RunningApp, slack_id: str) -> list[str]:
    with app.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
        return [] if member is None else [c.type for c in uow.credits.for_member(member.id)]


def test_thanks_to_two_people_asks_one_question_offering_each_of_them(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _thank_both(app, slack_api)
    (question,) = slack_api.posts_to(REVIEW)
    assert "<@U0ALICE> in <#C0HELP>" in question["blocks"][0]["text"]["text"]
    assert "(also thanked: <@U0BOB>)" in question["blocks"][2]["elements"][0]["text"]
    menus = [e for e in question["blocks"][-1]["elements"] if e["type"] == "static_select"]
    whom = next(m for m in menus if m["action_id"] == "suggestion_helper")
    assert [(o["value"], o["text"]["text"]) for o in whom["options"]] == [
        ("U0ALICE", "Alice Martin"),
        ("U0BOB", "Bob Chen"),
    ]
    assert whom["initial_option"]["value"] == "U0ALICE"


def test_a_lead_who_picks_the_second_person_credits_them_and_not_the_first(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _thank_both(app, slack_api)
    _answer_choosing(app, "U0BOB")
    assert _slack_credits(app, "U0BOB") == ["support"]
    assert _slack_credits(app, "U0ALICE") == []


def test_a_lead_cannot_credit_someone_the_thanks_did_not_name(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _thank_both(app, slack_api)
    _answer_choosing(app, "U0DMITRI")
    assert _slack_credits(app, "U0DMITRI") == []
    assert _slack_credits(app, "U0ALICE") == ["support"]


def test_a_lead_who_picks_the_second_person_credits_their_own_message_and_its_time(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _thank_both(app, slack_api)
    _answer_choosing(app, "U0BOB")
    with app.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, "U0BOB"))
        assert member is not None
        (credit,) = uow.credits.for_member(member.id)
    assert credit.source_ref == f"{HELP}:{BOB_TS}:U0BOB"
    assert credit.occurred_at == datetime.fromtimestamp(float(BOB_TS), tz=UTC)
