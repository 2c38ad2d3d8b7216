"""Reactions: a member's nominate emoji asks the leads; a lead's confirm emoji credits."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from scoring.models import Identity, IdentityKind
from scoring.suggestions import SuggestionStatus
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import ANSWER_TS, HELP, REVIEW, add_help_thread, payload, thank_alice_event
from tests.support.stored import stored

NOTHING = {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 0}


def reaction(
    user: str, emoji: str, *, author: str = "U0ALICE", ts: str = ANSWER_TS, event_id: str = "Ev0R1"
) -> dict[str, Any]:
    envelope = payload("event_reaction_added")
    envelope["event_id"] = event_id
    envelope["event"].update({"user": user, "reaction": emoji, "item_user": author})
    envelope["event"]["item"]["ts"] = ts
    return envelope


def _credits_of(app: RunningApp, slack_id: str) -> list[tuple[str, int, datetime, str | None]]:
    with app.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
        if member is None:
            return []
        return [
            (c.type, c.points, c.occurred_at, c.granted_by)
            for c in uow.credits.for_member(member.id)
        ]


def test_a_members_nominate_emoji_asks_the_team_leads(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(reaction("U0BOB", "raised_hands"))
    (question,) = slack_api.posts_to(REVIEW)
    assert "<@U0ALICE> in <#C0HELP>" in question["blocks"][0]["text"]["text"]
    assert "Set `auth.sso: true`" in question["blocks"][1]["text"]["text"]
    assert question["blocks"][2]["elements"][0]["text"] == (
        "Why I ask: <@U0BOB> nominated it with :raised_hands:"
    )
    assert stored(app.runtime)["credits"] == 0


def test_a_skin_toned_nominate_emoji_counts_and_a_second_one_asks_nothing_more(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(reaction("U0BOB", "raised_hands::skin-tone-4"))
    app.event(reaction("U0DMITRI", "raised_hands", event_id="Ev0R2"))
    assert len(slack_api.posts_to(REVIEW)) == 1
    assert stored(app.runtime)["suggestions"] == 1


def test_nominating_your_own_message_asks_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(reaction("U0ALICE", "raised_hands"))
    assert slack_api.posts_to(REVIEW) == []
    assert stored(app.runtime) == NOTHING


def test_nominating_a_bots_message_asks_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    slack_api.add_message(
        HELP, "1793521500.000100", None, "Build 42 passed", bot_id="B0CI", subtype="bot_message"
    )
    app.event(reaction("U0BOB", "raised_hands", author="U0DEPLOY", ts="1793521500.000100"))
    assert slack_api.posts_to(REVIEW) == []
    # Recorded as received (only reading the message shows it is a bot's), nothing else.
    assert stored(app.runtime) == NOTHING | {"inbox": 1}


def test_a_team_leads_confirm_emoji_credits_the_author_at_once(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(reaction("U01LEAD", "white_check_mark"))
    assert _credits_of(app, "U0ALICE") == [
        ("support", 2, datetime(2026, 11, 1, 8, 20, 0, 200, tzinfo=UTC), "U01LEAD")
    ]
    assert slack_api.posts_to(REVIEW) == []


def test_removing_and_adding_the_confirm_emoji_again_does_not_credit_twice(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(reaction("U01LEAD", "white_check_mark"))
    app.event(reaction("U01LEAD", "white_check_mark", event_id="Ev0R2"))  # re-added: new event
    app.event(reaction("U02LEAD", "white_check_mark", event_id="Ev0R3"))  # another lead
    assert len(_credits_of(app, "U0ALICE")) == 1


def test_a_confirm_emoji_from_someone_who_is_not_a_lead_does_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(reaction("U0BOB", "white_check_mark"))
    assert stored(app.runtime) == NOTHING


def test_a_team_lead_confirming_their_own_message_credits_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    slack_api.add_message(HELP, "1793521600.000100", "U01LEAD", "Release notes are up")
    app.event(reaction("U01LEAD", "white_check_mark", author="U01LEAD", ts="1793521600.000100"))
    assert stored(app.runtime) == NOTHING


def test_confirming_a_message_with_an_open_question_closes_the_question(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    app.event(reaction("U02LEAD", "white_check_mark"))
    assert len(_credits_of(app, "U0ALICE")) == 1
    with app.runtime.reader() as uow:
        suggestion = uow.suggestions.for_message(HELP, ANSWER_TS)
    assert suggestion is not None
    assert (suggestion.status, suggestion.decided_by) == (SuggestionStatus.ACCEPTED, "U02LEAD")
    (update,) = slack_api.calls_to("chat.update")
    assert update["ts"] == suggestion.question_ts
    assert "Credited as *support*" in update["blocks"][-1]["text"]["text"]
