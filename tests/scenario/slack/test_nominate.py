"""/nominate, its form and the panel's vote buttons, through the running app.

Signed requests shaped like Slack's (a slash command's form body, a ``view_submission``,
``block_actions``) go to ``/slack/events``; what the bot sends back reaches the Slack
stand-in: ``views.open``, the panel's message and its updates, the private replies
through the response_url, the DM that confirms a nomination made with the form.
"""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest

from bot.runtime import Runtime
from storage.tables import DcNominationRow, DcVoteRow, OutboxRow
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import payload
from tests.support.stored import count

PANEL = "C0PANEL"
IN_THE_WINDOW = datetime(2026, 10, 15, 10, 0, tzinfo=UTC)
BEFORE_THE_WINDOW = datetime(2026, 8, 20, 10, 0, tzinfo=UTC)
ALICE_FOR_ENGINEER = "<@U0ALICE|alice> engineer fixed the SSO loop <https://git.example/pr/42>"


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["distinguished"] = {
        "review_channel": PANEL,
        "panel": [
            {"user": "U01LEAD", "constituency": "core-committers"},
            {"user": "U02LEAD", "constituency": "core-committers"},
            {"user": "U0BOB", "constituency": "partners"},
        ],
    }
    return config_data


@pytest.fixture
def in_the_window(clock: FixedClock) -> FixedClock:
    clock.set(IN_THE_WINDOW)
    return clock


def nominate(app: RunningApp, text: str, user_id: str = "U0DMITRI") -> httpx.Response:
    form = payload("command_nominate") | {
        "text": text,
        "user_id": user_id,
        "response_url": app.slack_api.response_url(f"nominate-{user_id}"),
    }
    response = app.send(urlencode(form).encode(), "application/x-www-form-urlencoded")
    app.drain()
    return response


def submit(app: RunningApp, values: dict[str, Any], user_id: str = "U0DMITRI") -> httpx.Response:
    body = payload("view_submission_nominate")
    body["user"]["id"] = user_id
    state = body["view"]["state"]["values"]
    for block, (action, element) in values.items():
        state[block] = {action: element}
    return app.action(body)


def vote(
    app: RunningApp, nomination_id: int, user_id: str, choice: str, panel_ts: str
) -> list[str]:
    """Click a vote button; the private replies the clicker got for it."""
    body = payload("block_actions_vote")
    body["user"]["id"] = user_id
    body["container"]["message_ts"] = panel_ts
    body["message"]["ts"] = panel_ts
    body["response_url"] = app.slack_api.response_url(f"vote-{user_id}-{nomination_id}")
    action = body["actions"][0]
    action["action_id"] = f"dc_vote_{choice}"
    action["block_id"] = f"dc_nomination:{nomination_id}"
    action["value"] = str(nomination_id)
    before = len(replies(app.slack_api, f"vote-{user_id}-{nomination_id}"))
    assert app.action(body).status_code == 200
    return replies(app.slack_api, f"vote-{user_id}-{nomination_id}")[before:]


def replies(slack_api: SlackApiStandIn, name: str) -> list[str]:
    with slack_api._lock:
        calls = [c for c in slack_api.calls if c.method == RESPONSE_URL]
    found = []
    for call in calls:
        if call.path.endswith("/" + name):
            assert call.params.get("response_type") == "ephemeral"
            found.append(str(call.params.get("text")))
    return found


def ack_text(response: httpx.Response) -> str:
    assert response.status_code == 200
    return str(response.json()["text"])


def nothing_stored(runtime: Runtime) -> bool:
    return count(runtime, DcNominationRow) == 0 and count(runtime, OutboxRow) == 0


def panel_messages(slack_api: SlackApiStandIn) -> list[dict[str, Any]]:
    posts = slack_api.posts_to(PANEL)
    updates = [u for u in slack_api.calls_to("chat.update") if u.get("channel") == PANEL]
    return posts + updates


# -- /nominate ----------------------------------------------------------------------------


def test_a_nomination_is_confirmed_privately_and_the_panel_sees_it_with_buttons(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    response = nominate(app, ALICE_FOR_ENGINEER)

    assert response.status_code == 200 and not response.content  # acked at once, empty
    (reply,) = replies(slack_api, "nominate-U0DMITRI")
    assert "<@U0ALICE> is nominated for *Distinguished Engineer* (2026)" in reply
    assert "1 evidence link" in reply and "decides on 1 December" in reply
    (post,) = slack_api.posts_to(PANEL)
    shown = json.dumps(post["blocks"])
    assert "Alice Martin" in shown and "<@U0DMITRI>" in shown
    assert "fixed the SSO loop" in shown and "<https://git.example/pr/42>" in shown
    assert "Votes cast: *0*" in shown
    buttons = next(b for b in post["blocks"] if b["type"] == "actions")["elements"]
    assert [b["action_id"] for b in buttons] == [
        "dc_vote_approve",
        "dc_vote_decline",
        "dc_vote_abstain",
    ]
    with slack_runtime.reader() as uow:
        (stored,) = uow.distinguished.nominations()
    assert stored.links == ("https://git.example/pr/42",)
    assert stored.review_channel == PANEL and stored.review_ts  # remembered to update it


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U0ALICE|alice>", "Which track?"),
        ("<@U0ALICE|alice> wizard because", "Unknown track 'wizard'"),
        ("<@U0ALICE|alice> engineer", "Why do you nominate them?"),
        ("<@U0ALICE|alice> engineer   <https://git.example/pr/42>", "Why do you nominate them?"),
        ("acme engineer great work", "Start with the person you nominate"),
        ("<@U0ALICE|alice> partner great work", "Distinguished Partner is for organisations"),
    ],
)
def test_a_mistake_is_answered_privately_in_the_ack_and_nothing_is_stored(
    app: RunningApp,
    slack_api: SlackApiStandIn,
    slack_runtime: Runtime,
    in_the_window: FixedClock,
    text: str,
    expected: str,
) -> None:
    response = nominate(app, text)

    assert response.json()["response_type"] == "ephemeral"
    assert expected in ack_text(response)
    assert nothing_stored(slack_runtime)
    assert not slack_api.posts_to(PANEL)


def test_a_nomination_outside_the_window_is_refused_privately_with_the_dates(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, clock: FixedClock
) -> None:
    clock.set(BEFORE_THE_WINDOW)
    early = ack_text(nominate(app, ALICE_FOR_ENGINEER))
    clock.set(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))
    late = ack_text(nominate(app, ALICE_FOR_ENGINEER))

    assert "Nominations for 2026 open on 1 September and close on 31 October" in early
    assert "Nominations for 2026 closed on 31 October" in late
    assert "2027 open on 1 September" in late
    assert "Nothing was stored" in late
    assert nothing_stored(slack_runtime)
    assert not slack_api.calls_to("views.open") and not slack_api.posts_to(PANEL)


def test_the_same_nominee_twice_in_a_track_is_refused_the_second_time(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, ALICE_FOR_ENGINEER)
    nominate(app, "<@U0ALICE|alice> engineer she also runs the meetups", user_id="U0BOB")

    (reply,) = replies(slack_api, "nominate-U0BOB")
    assert "Alice Martin is already nominated for Distinguished Engineer" in reply
    assert "Nothing was stored" in reply
    assert count(slack_runtime, DcNominationRow) == 1
    assert len(slack_api.posts_to(PANEL)) == 1


def test_a_bot_cannot_be_nominated(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, "<@U0DEPLOY|deploy> engineer deploys all day")

    (reply,) = replies(slack_api, "nominate-U0DMITRI")
    assert "bots cannot be nominated" in reply
    assert count(slack_runtime, DcNominationRow) == 0


def test_an_organisation_is_nominated_by_its_slug(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, "acme partner hosted three sprints https://acme.example/sprints")

    (reply,) = replies(slack_api, "nominate-U0DMITRI")
    assert "Acme Learning is nominated for *Distinguished Partner*" in reply
    (post,) = slack_api.posts_to(PANEL)
    assert "Acme Learning" in json.dumps(post["blocks"])


def test_help_shows_the_usage_with_the_tracks(
    app: RunningApp, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    text = ack_text(nominate(app, "help"))

    assert "How to use /nominate" in text
    assert "`engineer` (Distinguished Engineer)" in text and "`partner`" in text
    assert nothing_stored(slack_runtime)


# -- the form -----------------------------------------------------------------------------


def test_nominate_alone_opens_the_form_with_the_trigger_id(
    app: RunningApp, slack_api: SlackApiStandIn, in_the_window: FixedClock
) -> None:
    response = nominate(app, "")

    assert response.status_code == 200 and not response.content
    (opened,) = slack_api.calls_to("views.open")
    assert opened["trigger_id"] == payload("command_nominate")["trigger_id"]
    view = opened["view"]
    assert view["type"] == "modal" and view["callback_id"] == "dc_nominate"
    elements = {b["block_id"]: b["element"] for b in view["blocks"] if b["type"] == "input"}
    assert elements["dc_nominee"]["type"] == "users_select"
    assert [o["value"] for o in elements["dc_track"]["options"]] == [
        "engineer",
        "advocate",
        "innovator",
        "partner",
    ]
    assert {o["value"] for o in elements["dc_organisation"]["options"]} == {"acme", "beta", "core"}
    assert elements["dc_justification"]["multiline"] is True
    assert elements["dc_links"]["multiline"] is True
    assert not replies(slack_api, "nominate-U0DMITRI")


def test_a_form_slack_would_not_open_is_explained_privately_and_not_retried(
    app: RunningApp, slack_api: SlackApiStandIn, in_the_window: FixedClock
) -> None:
    slack_api.fail("views.open", 500)

    nominate(app, "")

    assert len(slack_api.calls_to("views.open")) == 1  # a trigger_id works once
    (reply,) = replies(slack_api, "nominate-U0DMITRI")
    assert "I could not open the nomination form" in reply
    assert "/nominate @user <track> <why>" in reply


def test_the_form_is_not_opened_outside_the_window(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    clock.set(BEFORE_THE_WINDOW)

    assert "open on 1 September" in ack_text(nominate(app, ""))
    assert not slack_api.calls_to("views.open")


def test_the_forms_mistakes_come_back_on_their_fields_and_nothing_is_stored(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    response = submit(
        app,
        {
            "dc_nominee": ("nominee", {"type": "users_select", "selected_user": None}),
            "dc_justification": ("justification", {"type": "plain_text_input", "value": "  "}),
            "dc_links": ("links", {"type": "plain_text_input", "value": "see the forum"}),
        },
    )

    answer = response.json()
    assert answer["response_action"] == "errors"
    assert set(answer["errors"]) == {"dc_nominee", "dc_justification", "dc_links"}
    assert "Line 1: 'see the forum' is not a link" in answer["errors"]["dc_links"]
    assert nothing_stored(slack_runtime)
    assert not slack_api.posts_to(PANEL)


def test_an_organisation_track_in_the_form_needs_an_organisation(
    app: RunningApp, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    partner = {"type": "plain_text", "text": "Distinguished Partner", "emoji": True}
    response = submit(
        app,
        {
            "dc_track": (
                "track",
                {"type": "static_select", "selected_option": {"text": partner, "value": "partner"}},
            )
        },
    )

    assert response.json()["errors"] == {
        "dc_organisation": "Distinguished Partner is for organisations: choose one."
    }
    assert nothing_stored(slack_runtime)


def test_a_refusal_of_the_service_comes_back_on_the_nominee_field(
    app: RunningApp, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, ALICE_FOR_ENGINEER)
    response = submit(app, {}, user_id="U0BOB")

    errors = response.json()["errors"]
    assert list(errors) == ["dc_nominee"]
    assert "already nominated for Distinguished Engineer" in errors["dc_nominee"]
    assert count(slack_runtime, DcNominationRow) == 1


def test_a_good_form_closes_posts_to_the_panel_and_confirms_by_direct_message(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    response = submit(app, {})

    assert response.status_code == 200 and not response.content  # the form closes
    (post,) = slack_api.posts_to(PANEL)
    shown = json.dumps(post["blocks"])
    assert "Answered every SSO question this year &amp; wrote the guide." in shown
    assert "<https://docs.example/sso>" in shown and "<https://forum.example/t/77>" in shown
    assert slack_api.calls_to("conversations.open")[-1]["users"] == "U0DMITRI"
    (dm,) = slack_api.posts_to("D0DMITRI")
    assert "<@U0ALICE> is nominated for *Distinguished Engineer* (2026)" in dm["text"]
    with slack_runtime.reader() as uow:
        (stored,) = uow.distinguished.nominations()
    assert stored.nominator == "U0DMITRI"
    assert stored.links == ("https://docs.example/sso", "https://forum.example/t/77")


# -- votes --------------------------------------------------------------------------------


def _panel_ts(slack_runtime: Runtime, nomination_id: int) -> str:
    with slack_runtime.reader() as uow:
        stored = uow.distinguished.nomination(nomination_id)
    assert stored is not None and stored.review_ts
    return stored.review_ts


def test_a_vote_is_confirmed_privately_and_the_panel_sees_only_the_count(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, ALICE_FOR_ENGINEER)
    ts = _panel_ts(slack_runtime, 1)

    lena = vote(app, 1, "U01LEAD", "approve", ts)
    leo = vote(app, 1, "U02LEAD", "decline", ts)

    assert lena == ["Your vote: approve. You can change it until 1 December."]
    assert leo == ["Your vote: decline. You can change it until 1 December."]
    first, second = [u for u in slack_api.calls_to("chat.update") if u["channel"] == PANEL]
    assert first["ts"] == second["ts"] == ts
    assert "Votes cast: *1*" in json.dumps(first["blocks"])
    assert "Votes cast: *2*" in json.dumps(second["blocks"])
    # Never who voted, nor how: the panel's messages name neither voter, and the message
    # after an approval and the one after a decline differ only in the count.
    for message in panel_messages(slack_api):
        assert "U01LEAD" not in json.dumps(message) and "U02LEAD" not in json.dumps(message)
    assert json.dumps(first["blocks"]).replace("*1*", "*2*") == json.dumps(second["blocks"])


def test_a_changed_vote_counts_once_as_the_latest_and_the_voter_is_told(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, ALICE_FOR_ENGINEER)
    ts = _panel_ts(slack_runtime, 1)

    vote(app, 1, "U01LEAD", "approve", ts)
    changed = vote(app, 1, "U01LEAD", "decline", ts)
    again = vote(app, 1, "U01LEAD", "decline", ts)

    assert changed == ["Your vote: decline (it was approve). You can change it until 1 December."]
    assert again == ["Your vote is still decline. You can change it until 1 December."]
    assert count(slack_runtime, DcVoteRow) == 1
    with slack_runtime.reader() as uow:
        assert uow.distinguished.ballots(1) == {"U01LEAD": "decline"}
    updates = [u for u in slack_api.calls_to("chat.update") if u["channel"] == PANEL]
    assert len(updates) == 1  # the count stayed 1: nothing more to show


def test_a_vote_by_someone_not_on_the_panel_is_refused_privately(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, ALICE_FOR_ENGINEER)
    ts = _panel_ts(slack_runtime, 1)

    (note,) = vote(app, 1, "U0DMITRI", "approve", ts)

    assert "Only members of the review panel can vote" in note
    assert "Your click changed nothing" in note
    assert count(slack_runtime, DcVoteRow) == 0
    assert not slack_api.calls_to("chat.update")


def test_a_panel_member_cannot_vote_on_their_own_nomination(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, "<@U0BOB|bob> engineer reviewed every pull request", user_id="U0ALICE")
    ts = _panel_ts(slack_runtime, 1)

    (note,) = vote(app, 1, "U0BOB", "approve", ts)

    assert "You cannot vote on your own nomination" in note
    assert count(slack_runtime, DcVoteRow) == 0
    assert not slack_api.calls_to("chat.update")


def test_a_vote_after_voting_closed_is_refused(
    app: RunningApp, slack_api: SlackApiStandIn, slack_runtime: Runtime, in_the_window: FixedClock
) -> None:
    nominate(app, ALICE_FOR_ENGINEER)
    ts = _panel_ts(slack_runtime, 1)
    in_the_window.set(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))

    (note,) = vote(app, 1, "U01LEAD", "approve", ts)

    assert "Voting for 2026 closed on 1 December" in note
    assert count(slack_runtime, DcVoteRow) == 0
