"""Bad input to ``POST /slack/events``, generated: signed bodies (so they get past the
signature check) that bend the real payloads of ``tests/payloads/slack/``.

Whatever arrives, Slack and the person never see a 5xx or a traceback; a request that
is refused (4xx), or a command or click that is refused with a private message, stores
nothing; and no listener fails on the way (no error logged, no event kept as failed).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import text

from bot.slack.app import APOLOGY
from tests.faults.input_support import (
    FEW,
    JSON_VALUES,
    ODD_TEXT,
    Stack,
    captured_logs,
    dump,
    mutations_of,
    open_stack,
    registered_listeners,
)
from tests.support.slack import payload as slack_payload

EVENTS = [
    slack_payload(name)
    for name in (
        "event_message_thread_reply",
        "event_reaction_added",
        "event_team_join",
        "event_app_home_opened",
        "event_message_bot",
    )
]
COMMANDS = [slack_payload("command_credit"), slack_payload("command_nominate")]
ANSWER = slack_payload("block_actions_answer")
VOTE = slack_payload("block_actions_vote")

LEAD, OTHER_LEAD, MEMBER, PM = "U01LEAD", "U02LEAD", "U0BOB", "U01PM"
FORM = "application/x-www-form-urlencoded"
#: How a private reply that says something was stored begins.
SUCCESS = ("Credited ", "Done: ", "Lead ")


@pytest.fixture(scope="module")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def stack(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with open_stack(db_backend, request, tmp_path_factory) as running:
        yield running


def _failed_events(stack: Stack) -> list[str]:
    """The Slack events kept as failed (a listener broke on them), with why."""
    with stack.runtime.engine.connect() as connection:
        rows = connection.execute(
            text(
                "SELECT key, last_error, payload FROM inbox"
                " WHERE source = 'slack' AND status = 'failed'"
            )
        )
        return [f"{key}: {error} in {payload}" for key, error, payload in rows]


def _replies_since(stack: Stack, start: int) -> list[str]:
    """Private replies (response_url posts and ephemerals) sent since call ``start``."""
    texts = []
    for call in stack.slack_api.calls[start:]:
        if call.method in ("response_url", "chat.postEphemeral"):
            texts.append(str(call.params.get("text") or ""))
    return texts


def _ack_text(response: Any) -> str:
    if not response.content:
        return ""
    try:
        data = json.loads(response.content)
    except ValueError:
        return str(response.text)
    return str(data.get("text") or "") if isinstance(data, dict) else str(data)


def _check_answer(response: Any) -> None:
    assert response.status_code < 500, response.text
    assert "Traceback" not in response.text
    assert 'File "' not in response.text


# -- JSON events --------------------------------------------------------------------------


@st.composite
def _events(draw: st.DrawFn, stack: Stack) -> dict[str, Any]:
    base = copy.deepcopy(draw(st.sampled_from(EVENTS)))
    base["event_id"] = f"EvF3{stack.next_id():08d}"
    if draw(st.booleans()):
        return draw(mutations_of(base))
    # an envelope of the right type around a made-up event, or made-up fields around it
    return {
        "type": draw(st.sampled_from(["event_callback", "url_verification", "app_rate_limited"])),
        "event_id": base["event_id"],
        "event": draw(JSON_VALUES),
        **draw(st.dictionaries(st.sampled_from(["team_id", "challenge", "token"]), JSON_VALUES)),
    }


@FEW
@given(data=st.data())
def test_a_mangled_slack_event_never_gets_a_server_error_and_breaks_no_listener(
    stack: Stack, data: st.DataObject
) -> None:
    envelope = data.draw(_events(stack))
    before = stack.counts()
    with captured_logs() as logs:
        response = stack.slack(dump(envelope), "application/json")
    _check_answer(response)
    if response.status_code >= 400:
        assert stack.counts() == before
    assert logs.errors() == []
    assert _failed_events(stack) == []


@FEW
@given(body=st.binary(max_size=200) | st.text(max_size=200).map(str.encode))
def test_a_signed_body_that_is_not_a_slack_request_is_refused_with_400(
    stack: Stack, body: bytes
) -> None:
    looks_like_slack = False
    try:
        data = json.loads(body)
        looks_like_slack = isinstance(data, dict) and "type" in data
    except ValueError:
        pass
    before = stack.counts()
    for content_type in ("application/json", "application/x-www-form-urlencoded"):
        response = stack.slack(body, content_type)
        _check_answer(response)
        if not looks_like_slack and b"command=" not in body and b"payload=" not in body:
            assert response.status_code == 400, body
    assert stack.counts() == before


@pytest.mark.parametrize(
    ("body", "content_type"),
    [
        (b'{"type": "event_callback", "event": ' + b"[" * 100_000, "application/json"),
        (b"payload=" + b"%5B" * 100_000, "application/x-www-form-urlencoded"),
        (
            b'{"type": "event_callback", "event": {"type": "message", "text": "'
            + b"x" * 2_000_000
            + b'"}}',
            "application/json",
        ),
        (
            b'{"type": "event_callback", "event_id": "EvNUL", "event": {"type": "message",'
            b' "user": "U0BOB", "channel": "C0HELP", "ts": "1793600300.000100",'
            b' "text": "thanks a\\u0000b"}}',
            "application/json",
        ),
        (b"command=%2Fcredit&user_id=U01LEAD&text=%3C%40U0ALICE%3E+code+a%00b", FORM),
    ],
    ids=[
        "JSON nested 100,000 deep",
        "a payload nested 100,000 deep",
        "2 MB of text",
        "a NUL in JSON",
        "a NUL in a form",
    ],
)
def test_a_signed_body_at_the_edges_gets_no_server_error(
    stack: Stack, body: bytes, content_type: str
) -> None:
    before = stack.counts()
    response = stack.slack(body, content_type)
    _check_answer(response)
    if response.status_code >= 400:
        assert stack.counts() == before
    if b"\\u0000" in body or b"%00" in body:
        assert response.status_code == 400  # Slack never sends one; no database stores one


# -- forms: slash commands and interactivity ----------------------------------------------


@st.composite
def _command_forms(draw: st.DrawFn, stack: Stack) -> dict[str, str]:
    form = {key: str(value) for key, value in draw(st.sampled_from(COMMANDS)).items()}
    form["trigger_id"] = f"f3-form-{stack.next_id()}"
    form["response_url"] = stack.slack_api.response_url("form")
    form["user_id"] = draw(st.sampled_from([LEAD, MEMBER, PM, "", "U0NOBODY", "W0ALICE"]))
    for key in draw(st.lists(st.sampled_from(sorted(form)), max_size=4, unique=True)):
        if key == "response_url":
            continue  # Slack always sends it; the stand-in is where replies land
        if draw(st.booleans()):
            del form[key]
        else:
            form[key] = draw(ODD_TEXT | st.text(max_size=30))
    return form


@FEW
@given(data=st.data())
def test_a_mangled_slash_command_form_is_answered_and_stores_nothing_unless_it_says_so(
    stack: Stack, data: st.DataObject
) -> None:
    form = data.draw(_command_forms(stack))
    before = stack.counts()
    start = len(stack.slack_api.calls)
    with captured_logs() as logs:
        response = stack.slack(urlencode(form).encode(), "application/x-www-form-urlencoded")
    _check_answer(response)
    replies = [_ack_text(response), *_replies_since(stack, start)]
    assert APOLOGY not in replies
    if stack.counts() != before:
        assert any(reply.startswith(SUCCESS) for reply in replies), replies
    assert logs.errors() == []


def _mention(user: str) -> str:
    return f"<@{user}|{user.lower()}>"


TOKENS = st.sampled_from(
    [
        "<@U0ALICE|alice>",
        "<@U0ALICE>",
        "<@U0BOB>",
        "<@U01LEAD>",
        "<@U02LEAD|leo>",
        "<@U0DEPLOY>",
        "<@U0GONE>",
        "<@U0NOBODY>",
        "<@U0BOT>",
        "<@W0ALICE>",
        "<@u0alice>",
        "<@>",
        "<@U0ALICE|>",
        "<!here>",
        "<!channel>",
        "<!subteam^S0TEAM|@team>",
        "<#C0HELP|help>",
        "<https://example.org|a link>",
        "@alice",
        "code",
        "Code",
        "SUPPORT",
        "review",
        "talk",
        "nothing",
        "3",
        "0",
        "-2",
        "+4",
        "50",
        "51",
        "2.5",
        "1,5",
        "٣",
        "²",
        "999999999999999999999999",
        "help",
        "me",
        "org",
        "ORG",
        "quiet",
        "unquiet",
        "lead",
        "Lead",
        "acme",
        "beta",
        "core",
        "nope",
        "../etc",
        "Europe",
        "Africa",
        "hosting",
        '"instructional design"',
        "\u201cinstructional design\u201d",
        '"unclosed',
        '""',
        "--",
        "\u2014",
        "engineer",
        "advocate",
        "innovator",
        "partner",
        "fixed the build",
        "&lt;script&gt;",
        "*bold*",
        "`code`",
    ]
)
COMMAND_TEXT = st.lists(TOKENS | st.text(max_size=12), max_size=7).flatmap(
    lambda words: st.sampled_from([" ", "  ", "\t", "\n", "\u00a0"]).map(
        lambda gap: gap.join(words)
    )
)


def _registered_commands(stack: Stack) -> list[str]:
    return sorted(
        name for kind, name in registered_listeners(stack.app.slack.bolt) if kind == "command"
    )


@FEW
@given(data=st.data())
def test_any_command_text_gets_a_private_answer_and_a_refusal_stores_nothing(
    stack: Stack, data: st.DataObject
) -> None:
    command = data.draw(st.sampled_from(_registered_commands(stack)))
    user = data.draw(st.sampled_from([LEAD, MEMBER, PM]))
    text = data.draw(COMMAND_TEXT)
    before = stack.counts()
    start = len(stack.slack_api.calls)
    with captured_logs() as logs:
        response = stack.command(text, user, command=command)
    if "\x00" in text:  # Slack never sends one; no database could store it
        assert response.status_code == 400
        assert stack.counts() == before
        return
    assert response.status_code == 200, response.text
    replies = [reply for reply in [_ack_text(response), *_replies_since(stack, start)] if reply]
    assert replies, f"no answer to {command} {text!r}"
    assert APOLOGY not in replies
    after = stack.counts()
    if after != before:
        assert any(reply.startswith(SUCCESS) for reply in replies), (text, replies)
    if user == MEMBER:
        assert after["credit"] == before["credit"], text
    assert logs.errors() == []


# -- block actions ------------------------------------------------------------------------


def _open_question(stack: Stack) -> int:
    """A fresh question (Bob nominates a message of Alice's) and its suggestion id."""
    envelope = slack_payload("event_reaction_added")
    envelope["event_id"] = f"EvF3Q{stack.next_id():08d}"
    envelope["event"]["item"]["ts"] = f"1793521200.{stack.next_id():06d}"
    assert stack.slack(dump(envelope)).status_code == 200
    with stack.runtime.reader() as uow:
        opened = uow.suggestions.open()
    return max(suggestion.id for suggestion in opened)


def _click(suggestion_id: int, user: str, action_id: str) -> dict[str, Any]:
    if action_id.startswith("dc_vote_"):  # a vote on a nomination: its own payload
        body = copy.deepcopy(VOTE)
        body["user"]["id"] = user
        body["response_url"] = ANSWER["response_url"]
        body["actions"][0]["action_id"] = action_id
        return body
    body = copy.deepcopy(ANSWER)
    block = f"suggestion:{suggestion_id}"
    body["user"]["id"] = user
    body["state"]["values"] = {block: body["state"]["values"]["suggestion:1"]}
    action = body["actions"][0]
    action["block_id"] = block
    action["value"] = str(suggestion_id)
    action["action_id"] = action_id
    return body


def _about(template: dict[str, Any], suggestion_id: int, response_url: str) -> dict[str, Any]:
    """A click drawn about question 0, made about question ``suggestion_id`` (and its
    response_url pointing at the stand-in)."""
    text = json.dumps(template, allow_nan=True)
    text = text.replace('"suggestion:0"', f'"suggestion:{suggestion_id}"')
    text = text.replace(json.dumps(ANSWER["response_url"]), json.dumps(response_url))
    body: dict[str, Any] = json.loads(text)
    actions = body.get("actions")
    first = actions[0] if isinstance(actions, list) and actions else None
    if isinstance(first, dict) and first.get("value") == "0":
        first["value"] = str(suggestion_id)
    return body


def _registered_actions(stack: Stack) -> list[str]:
    return sorted(
        name for kind, name in registered_listeners(stack.app.slack.bolt) if kind == "action"
    )


@FEW
@given(data=st.data())
def test_a_mangled_button_click_is_answered_and_only_a_team_lead_decides(
    stack: Stack, data: st.DataObject
) -> None:
    action_id = data.draw(st.sampled_from([*_registered_actions(stack), "dc_unknown", ""]))
    user = data.draw(st.sampled_from([LEAD, OTHER_LEAD, MEMBER, PM, "U0ALICE"]))
    # Slack always gives a click the response_url of its message
    template = data.draw(mutations_of(_click(0, user, action_id), keep=("response_url",)))
    actions = template.get("actions")
    if isinstance(actions, list) and actions and isinstance(actions[0], dict):
        # what the listeners read first, odd more often than chance would make it
        for field in data.draw(st.sets(st.sampled_from(["value", "block_id"]))):
            actions[0][field] = data.draw(ODD_TEXT)
    body = _about(template, _open_question(stack), stack.slack_api.response_url("click"))
    before = stack.counts()
    start = len(stack.slack_api.calls)
    with captured_logs() as logs:
        response = stack.interactive(body)
    _check_answer(response)
    assert logs.errors() == [], "\n".join(logs.errors())
    assert APOLOGY not in _replies_since(stack, start)
    assert set(_deciders(stack)) <= set(stack.runtime.config.slack.team_leads)
    assert stack.counts()["credit"] - before["credit"] <= 1


def _deciders(stack: Stack) -> list[str]:
    """Everyone who ever decided a question."""
    with stack.runtime.engine.connect() as connection:
        rows = connection.execute(
            text("SELECT decided_by FROM suggestion WHERE decided_by IS NOT NULL")
        )
        return [str(row[0]) for row in rows]


def _form_submission() -> dict[str, Any]:
    """The /nominate form as Slack sends it back when submitted (``view_submission``)."""
    return copy.deepcopy(slack_payload("view_submission_nominate"))


@FEW
@given(data=st.data())
def test_a_mangled_form_submission_is_answered_and_a_refused_one_stores_nothing(
    stack: Stack, data: st.DataObject
) -> None:
    callbacks = sorted(
        name
        for kind, name in registered_listeners(stack.app.slack.bolt)
        if kind == "view_submission"
    )
    body = _form_submission()
    body["view"]["callback_id"] = data.draw(st.sampled_from([*callbacks, "other"]))
    body = data.draw(mutations_of(body, max_changes=3))
    before = stack.counts()
    with captured_logs() as logs:
        response = stack.interactive(body)
    _check_answer(response)
    refused = response.status_code >= 400 or b'"response_action":"errors"' in response.content
    if refused or b'"response_action": "errors"' in response.content:
        assert stack.counts() == before
    assert logs.errors() == [], "\n".join(logs.errors())


@FEW
@given(
    kind=st.sampled_from(
        [
            "block_actions",
            "view_submission",
            "view_closed",
            "shortcut",
            "message_action",
            "block_suggestion",
            "interactive_message",
            "dialog_submission",
            "workflow_step_edit",
        ]
    ),
    extra=st.dictionaries(
        st.sampled_from(
            ["user", "actions", "view", "callback_id", "trigger_id", "team", "channel", "value"]
        ),
        JSON_VALUES,
        max_size=5,
    ),
)
def test_an_interactive_payload_of_any_kind_gets_no_server_error(
    stack: Stack, kind: str, extra: dict[str, Any]
) -> None:
    before = stack.counts()
    with captured_logs() as logs:
        response = stack.interactive({"type": kind, **extra})
    _check_answer(response)
    assert stack.counts() == before
    assert logs.errors() == []
