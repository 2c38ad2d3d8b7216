"""A thank-you in a thread becomes one question in the review channel; members come from
Slack profiles; bots, subtypes, self-thanks and redeliveries change nothing."""

from __future__ import annotations

import json
import threading
from datetime import UTC, date, datetime, timedelta

from scoring.models import Identity, IdentityKind
from storage.tables import SuggestionRow
from tests.standins.slack_api import SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import (
    ANSWER_TS,
    HELP,
    REVIEW,
    THANKS_TS,
    add_help_thread,
    payload,
    thank_alice_event,
)
from tests.support.stored import count, stored


def _member(app: RunningApp, slack_id: str):  # type: ignore[no-untyped-def]
    with app.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
        if member is None:
            return None, []
        return member, uow.members.affiliations(member.id)


def test_a_thank_you_in_a_thread_puts_one_question_in_the_review_channel(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    response = app.event(thank_alice_event())
    assert response.status_code == 200
    (question,) = slack_api.posts_to(REVIEW)
    section = question["blocks"][0]["text"]["text"]
    assert "*Is this a contribution?*" in section
    assert "<@U0ALICE> in <#C0HELP>" in section
    assert f"https://test.slack.example/archives/{HELP}/p{ANSWER_TS.replace('.', '')}" in section
    assert "Set `auth.sso: true` and restart the worker" in question["blocks"][1]["text"]["text"]
    assert question["blocks"][2]["elements"][0]["text"].startswith("Why I ask:")
    actions = question["blocks"][-1]
    select, yes, no = actions["elements"]
    assert select["initial_option"]["value"] == "support"
    assert {o["value"] for o in select["options"]} >= {"code", "support", "docs"}
    assert (yes["text"]["text"], no["text"]["text"]) == ("Yes, credit it", "No")
    assert question["text"].startswith("Is this a contribution? <@U0ALICE> in <#C0HELP>: Set")
    # The helper's message is what the question is about, and when it happened.
    with app.runtime.reader() as uow:
        (suggestion,) = uow.suggestions.open()
    assert (suggestion.channel, suggestion.message_ts) == (HELP, ANSWER_TS)
    assert suggestion.occurred_at == datetime(2026, 11, 1, 8, 20, 0, 200, tzinfo=UTC)
    assert suggestion.question_ts is not None
    assert stored(app.runtime)["credits"] == 0


def test_people_seen_first_become_members_affiliated_by_email_domain(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    alice, alice_orgs = _member(app, "U0ALICE")
    dmitri, dmitri_orgs = _member(app, "U0DMITRI")
    assert alice.name == "Alice Martin"
    assert [a.organisation for a in alice_orgs] == ["acme"]
    assert Identity(IdentityKind.EMAIL, "alice@acme.example") in alice.identities
    assert dmitri.name == "Dmitri Ivanov"
    assert dmitri_orgs == []  # gmail.com never affiliates anyone
    # The thanker's message is activity: first seen, and a day in the roll-up.
    assert dmitri.first_seen == datetime(2026, 11, 1, 8, 30, 0, 300, tzinfo=UTC)
    with app.runtime.reader() as uow:
        assert uow.activity.on_day(dmitri.id, date(2026, 11, 1)) == {"slack_message": 1}


def test_a_redelivered_event_changes_nothing_with_or_without_retry_headers(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    assert app.event(thank_alice_event()).status_code == 200
    after_first = stored(app.runtime)
    calls = len(slack_api.calls)
    assert app.event(thank_alice_event(), retry_num=1).status_code == 200
    assert app.event(thank_alice_event()).status_code == 200
    assert (
        stored(app.runtime)
        == after_first
        == {
            "credits": 0,
            "suggestions": 1,
            "outbox": 1,
            "inbox": 1,
        }
    )
    assert len(slack_api.posts_to(REVIEW)) == 1
    assert len(slack_api.calls) == calls  # a redelivery does not even read Slack again
    dmitri, _ = _member(app, "U0DMITRI")
    with app.runtime.reader() as uow:
        assert uow.activity.on_day(dmitri.id, date(2026, 11, 1)) == {"slack_message": 1}


def test_a_second_thank_you_for_the_same_answer_asks_no_second_question(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    slack_api.add_message(
        HELP,
        THANKS_TS,
        "U0DMITRI",
        "thanks <@U0ALICE>, that fixed it!",
        thread_ts="1793520000.000100",
    )
    again = thank_alice_event("Ev0MSG000002", text="thanks <@U0ALICE>, works for me too")
    again["event"]["user"] = "U0BOB"
    again["event"]["ts"] = again["event"]["event_ts"] = "1793522400.000700"
    app.event(again)
    assert count(app.runtime, SuggestionRow) == 1
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_thanking_yourself_asks_nothing(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    add_help_thread(slack_api)
    envelope = thank_alice_event(text="thanks <@U0DMITRI>, that fixed it!")
    app.event(envelope)
    assert slack_api.posts_to(REVIEW) == []
    assert stored(app.runtime) | {"inbox": 0} == {
        "credits": 0,
        "suggestions": 0,
        "outbox": 0,
        "inbox": 0,
    }


def test_a_bot_message_is_ignored_entirely(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    add_help_thread(slack_api)
    app.event(payload("event_message_bot"))
    assert stored(app.runtime) == {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 0}
    assert [m for m in slack_api.methods() if m != "auth.test"] == []


def test_edits_joins_and_other_subtypes_earn_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    edited = thank_alice_event("Ev0EDIT00001")
    edited["event"] = {
        "type": "message",
        "subtype": "message_changed",
        "channel": HELP,
        "hidden": True,
        "ts": "1793522000.000900",
        "message": {
            "type": "message",
            "user": "U0DMITRI",
            "text": "thanks <@U0ALICE>!",
            "ts": THANKS_TS,
            "thread_ts": "1793520000.000100",
        },
        "event_ts": "1793522000.000900",
    }
    joined = thank_alice_event("Ev0JOINCH001")
    joined["event"] = {
        "type": "message",
        "subtype": "channel_join",
        "user": "U0BOB",
        "text": "<@U0BOB> has joined the channel",
        "channel": HELP,
        "ts": "1793522100.000100",
        "event_ts": "1793522100.000100",
    }
    app.event(edited)
    app.event(joined)
    assert stored(app.runtime) == {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 0}


def test_thanking_a_bot_or_a_deleted_user_asks_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    slack_api.add_message(HELP, "1793520000.000100", "U0DMITRI", "Deploy is stuck, help?")
    slack_api.add_message(
        HELP, "1793521000.000150", "U0GONE", "Restart the runner.", thread_ts="1793520000.000100"
    )
    app.event(thank_alice_event(text="thanks <@U0GONE>, that fixed it!"))
    app.event(thank_alice_event("Ev0MSG000003", text="thanks <@U0DEPLOY>, that fixed it!"))
    assert slack_api.posts_to(REVIEW) == []
    assert stored(app.runtime)["suggestions"] == 0


def test_a_thanks_naming_nobody_credits_the_latest_other_replier(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(thank_alice_event(text="that worked, thanks a lot!"))
    with app.runtime.reader() as uow:
        (suggestion,) = uow.suggestions.open()
    assert (suggestion.author_ref, suggestion.message_ts) == ("U0ALICE", ANSWER_TS)


def test_a_profile_is_read_once_then_again_after_the_refresh_period(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    top = thank_alice_event("Ev0TOP000001", text="morning all")
    del top["event"]["thread_ts"], top["event"]["parent_user_id"]
    app.event(top)
    second = thank_alice_event("Ev0TOP000002", text="anyone around?")
    del second["event"]["thread_ts"], second["event"]["parent_user_id"]
    second["event"]["ts"] = "1793522000.000100"
    app.event(second)
    assert slack_api.calls_to("users.info") == [{"user": "U0DMITRI"}]
    slack_api.users["U0DMITRI"]["profile"]["real_name"] = "Dmitri I. Ivanov"
    clock.set(clock.now + timedelta(days=8))
    third = thank_alice_event("Ev0TOP000003", text="back again")
    del third["event"]["thread_ts"], third["event"]["parent_user_id"]
    app.event(third)
    assert len(slack_api.calls_to("users.info")) == 2
    dmitri, _ = _member(app, "U0DMITRI")
    assert dmitri.name == "Dmitri I. Ivanov"


def test_someone_joining_the_workspace_is_a_new_member_from_that_day(
    app: RunningApp,
) -> None:
    assert app.event(payload("event_team_join")).status_code == 200
    nora, organisations = _member(app, "U0NEWBIE")
    assert nora.name == "Nora Newcomer"
    assert nora.first_seen == datetime(2026, 11, 1, 7, 0, tzinfo=UTC)
    assert [a.organisation for a in organisations] == ["beta"]


def test_two_messages_from_a_newcomer_at_once_make_one_member_and_count_twice(
    app: RunningApp,
) -> None:
    envelopes = []
    for n in (1, 2):
        envelope = thank_alice_event(f"Ev0NEW00000{n}", text=f"hello {n}")
        del envelope["event"]["thread_ts"], envelope["event"]["parent_user_id"]
        envelope["event"]["ts"] = f"179352180{n}.000100"
        envelopes.append(envelope)
    start = threading.Barrier(2)

    def send(envelope: dict[str, object]) -> None:
        start.wait()
        app.send(json.dumps(envelope).encode(), "application/json")

    threads = [threading.Thread(target=send, args=(e,)) for e in envelopes]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    app.drain()
    with app.runtime.reader() as uow:
        members = [m for m in uow.members.all() if m.identity(IdentityKind.SLACK) == "U0DMITRI"]
        assert len(members) == 1
        assert uow.activity.on_day(members[0].id, date(2026, 11, 1)) == {"slack_message": 2}
