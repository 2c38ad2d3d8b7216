"""``/credit export me`` (a JSON file by DM) and ``/credit forget me`` (erasure after a
confirmation button), driven through signed requests; the files and messages read from
the Slack stand-in."""

from __future__ import annotations

import json
from typing import Any

from tests.scenario.slack.conftest import (
    RunningApp,
    add_help_thread,
    answer_body,
    stored,
    thank_alice_event,
)
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn


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
