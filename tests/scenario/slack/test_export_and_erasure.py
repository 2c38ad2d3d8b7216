"""``/credit export me`` (a JSON file by DM) and ``/credit forget me`` (erasure after a
confirmation button), driven through signed requests; the files and messages read from
the Slack stand-in."""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

import pytest
from sqlalchemy import text as sql

from bot.jobs.shoutout import post_monthly_shoutout
from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import add_help_thread, answer_body, payload, thank_alice_event
from tests.support.stored import stored

OCTOBER = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _alice_helped_and_was_credited(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    """Dmitri thanks Alice, a lead says Yes; Alice and Bob are credited by /credit."""
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    with app.runtime.reader() as uow:
        (question,) = uow.suggestions.open()
    app.action(answer_body(question.id, "U02LEAD", question_ts=question.question_ts or ""))
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    app.command("<@U0BOB|bob> review", trigger_id="t-bob")


def _exported(slack_api: SlackApiStandIn) -> dict[str, Any]:
    (upload,) = slack_api.uploads()
    document: dict[str, Any] = json.loads(upload["content"])
    return document


def test_export_me_sends_a_json_file_by_dm_with_nobody_elses_data(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _alice_helped_and_was_credited(app, slack_api)
    slack_api.clear()

    app.command("export me", user_id="U0ALICE")

    assert slack_api.calls_to(RESPONSE_URL)[-1]["text"] == (
        "I sent you a direct message with a file of everything I hold about you."
    )
    assert slack_api.calls_to("conversations.open")[-1]["users"] == "U0ALICE"
    (complete,) = slack_api.calls_to("files.completeUploadExternal")
    assert complete["channel_id"] == "D0ALICE"
    document = _exported(slack_api)
    assert document["member"]["name"] == "Alice Martin"
    assert {"kind": "slack", "value": "U0ALICE"} in document["identities"]
    assert [a["organisation"] for a in document["affiliations"]] == ["acme"]
    assert sorted(c["type"] for c in document["credits"]) == ["code", "support"]
    (suggestion,) = document["suggestions_about_your_messages"]
    assert suggestion["status"] == "accepted" and suggestion["permalink"]
    raw = json.dumps(document)
    for someone_else in ("U0BOB", "Bob", "U0DMITRI", "Dmitri", "dmitri@"):
        assert someone_else not in raw


def test_export_for_someone_else_is_refused_and_nothing_is_sent(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _alice_helped_and_was_credited(app, slack_api)
    before = stored(app.runtime)

    answer = app.command("export <@U0ALICE|alice>", user_id="U0BOB").json()

    assert answer["text"].startswith("You can only export your own record")
    assert slack_api.uploads() == []
    assert stored(app.runtime) == before


def _button(app: RunningApp, user: str, action_id: str, value: str) -> None:
    body = payload("block_actions_answer")
    body["user"]["id"] = user
    body["container"] = {"type": "message", "message_ts": "1", "is_ephemeral": True}
    body["state"] = {"values": {}}
    body["response_url"] = app.slack_api.response_url(f"forget-{user}")
    body["actions"] = [
        {
            "action_id": action_id,
            "block_id": "forget_me",
            "text": {"type": "plain_text", "text": "Erase my data"},
            "value": value,
            "type": "button",
            "action_ts": "1793523700.123456",
        }
    ]
    assert app.action(body).status_code == 200


def _in_october(app: RunningApp, clock: FixedClock, text: str, **fields: str) -> None:
    clock.set(OCTOBER)
    app.command(text, **fields)
    clock.set(NOVEMBER)


def test_forget_me_after_confirmation_erases_the_name_everywhere_and_keeps_the_totals(
    app: RunningApp,
    slack_api: SlackApiStandIn,
    clock: FixedClock,
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO)  # what serve logs in production
    _in_october(app, clock, "<@U0ALICE|alice> code 5 fixed the build")
    _in_october(app, clock, "<@U0BOB|bob> review", trigger_id="t-bob")
    with app.runtime.uow() as uow:
        post_monthly_shoutout(app.runtime, "2026-10", uow)
        uow.commit()
    app.slack.services.deliver(["shoutout:slack:C01SHOUT:2026-10"])
    (shout,) = slack_api.posts_to("C01SHOUT")
    assert "U0ALICE" in str(shout)
    totals = app.http.get("/api/reports/2026-10").json()["organisations"]
    with app.runtime.reader() as uow:
        posted = uow.outbox.by_key("shoutout:slack:C01SHOUT:2026-10")
    assert posted is not None and posted.sent_ref

    asked = app.command("forget me", user_id="U0ALICE").json()
    assert asked["text"].startswith("*Erase what I hold about you?*")
    (buttons,) = [b for b in asked["blocks"] if b["type"] == "actions"]
    assert buttons["elements"][0]["action_id"] == "forget_me_confirm"
    _button(app, "U0ALICE", "forget_me_confirm", "U0ALICE")

    assert slack_api.calls_to(RESPONSE_URL)[-1]["text"].startswith("Done: I erased your name")
    (update,) = slack_api.calls_to("chat.update")
    assert update["ts"] == posted.sent_ref and update["channel"] == "C01SHOUT"
    assert "U0ALICE" not in str(update) and "a former member" in str(update)
    assert app.http.get("/api/reports/2026-10").json()["organisations"] == totals
    for page in ("/reports/2026-10", "/api/reports/2026-10", "/partners/acme", "/api/partners"):
        assert "Alice" not in app.http.get(page).text, page
    with app.runtime.reader() as uow:
        assert uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE")) is None
        kept = [m for m in uow.members.all() if m.name == "a former member"]
        assert len(kept) == 1 and kept[0].identities == ()
        (credit,) = uow.credits.for_member(kept[0].id)
        assert (credit.points, credit.organisation, credit.note) == (5, "acme", "")
        for message in uow.outbox.list(limit=1000):
            assert "U0ALICE" not in str(message.payload) and "Alice" not in str(message.payload)
    with app.runtime.engine.connect() as connection:
        payloads = connection.execute(sql("SELECT payload FROM inbox")).scalars().all()
        audit = connection.execute(sql("SELECT action, by, details FROM member_audit")).all()
    assert not any("U0ALICE" in p or "Alice" in p for p in payloads)
    assert ("forget", "the member themselves", "{}") in [tuple(map(str, a)) for a in audit]
    assert caplog.records and "Alice" not in caplog.text and "U0ALICE" not in caplog.text


def test_forget_me_takes_the_name_out_of_the_published_welcome_to_new_contributors(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    _in_october(app, clock, "<@U0ALICE|alice> code 5 fixed the build")
    _in_october(app, clock, "<@U0BOB|bob> review", trigger_id="t-bob")
    with app.runtime.uow() as uow:
        post_monthly_shoutout(app.runtime, "2026-10", uow)
        uow.commit()
    app.slack.services.deliver(["shoutout:slack:C01SHOUT:2026-10"])
    (shout,) = slack_api.posts_to("C01SHOUT")
    assert "Welcome, Alice Martin and Bob Chen!" in str(shout)

    app.command("forget me", user_id="U0ALICE")
    _button(app, "U0ALICE", "forget_me_confirm", "U0ALICE")

    (update,) = slack_api.calls_to("chat.update")
    assert "Welcome, Bob Chen and 1 more!" in str(update)
    assert "Alice" not in str(update)
    with app.runtime.reader() as uow:
        ((month, record),) = uow.erasure.published_reports()
    assert month == "2026-10"
    assert record["shoutout"]["new_contributor_names"] == ["Bob Chen"]
    assert "Alice" not in json.dumps(record)


def test_forget_needs_the_confirmation_and_nobody_else_can_confirm(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 5")
    app.command("forget me", user_id="U0ALICE")
    before = stored(app.runtime)

    _button(app, "U0BOB", "forget_me_confirm", "U0ALICE")
    assert slack_api.calls_to(RESPONSE_URL)[-1]["text"].startswith(
        "This button belongs to the person who asked to be forgotten; nothing was erased."
    )
    _button(app, "U0ALICE", "forget_me_cancel", "U0ALICE")
    assert slack_api.calls_to(RESPONSE_URL)[-1]["text"] == "Nothing was erased."
    refused = app.command("forget <@U0ALICE|alice>", user_id="U0BOB").json()["text"]
    assert refused.startswith("You can only forget your own record")

    assert stored(app.runtime) == before
    with app.runtime.reader() as uow:
        assert uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE")) is not None
