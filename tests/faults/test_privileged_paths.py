"""Someone who is not a team lead (or not a programme manager) tries every privileged path
in Slack: each is refused with a private message, and nothing is stored.

The paths are not a hand-kept list alone: the first tests read what the running Bolt app
has registered (commands, buttons, forms, events) and what ``/credit`` understands, and
fail when something new appears that this file does not classify, so a new privileged
path cannot ship without a test that a non-member is refused.
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest

from scoring.commands import _SUBCOMMANDS as CREDIT_SUBCOMMANDS_PARSED
from scoring.models import Identity, IdentityKind
from tests.faults.input_support import Stack, dump, open_stack, registered_listeners
from tests.support.config import BASE_CONFIG
from tests.support.slack import ANSWER_TS, HELP, answer_body
from tests.support.slack import payload as slack_payload

LEAD, OTHER_LEAD, PM = "U01LEAD", "U02LEAD", "U01PM"
MEMBER, ALICE = "U0BOB", "U0ALICE"
#: Everyone who is not a team lead; the programme manager is not one either.
NOT_LEADS = (MEMBER, ALICE, PM, "U0DMITRI", "U0NOBODY")

#: Every listener of the Bolt app and who may use it.
LISTENERS: dict[tuple[str, str], str] = {
    ("command", "/credit"): "anyone; its subcommands below say who may do what",
    ("command", "/nominate"): "anyone (self-nomination is allowed)",
    ("action", "suggestion_yes"): "team leads",
    ("action", "suggestion_no"): "team leads",
    ("action", "suggestion_type"): "anyone: a menu whose choice is read when Yes is pressed",
    ("action", "suggestion_helper"): "anyone: a menu whose choice is read when Yes is pressed",
    ("action", "forget_me_confirm"): "only the person who asked to be forgotten",
    ("action", "forget_me_cancel"): "anyone: it erases nothing",
    ("action", "dc_vote_approve"): "panel members",
    ("action", "dc_vote_decline"): "panel members",
    ("action", "dc_vote_abstain"): "panel members",
    ("view_submission", "dc_nominate"): "anyone: the /nominate form",
    ("event", "message"): "anyone: activity and thank-yous (questions, never credits)",
    ("event", "reaction_added"): "anyone nominates; only team leads confirm",
    ("event", "team_join"): "Slack itself",
    ("event", "app_home_opened"): "anyone: their own App Home",
    ("event", "re:.*"): "nobody: acked and dropped",
}
#: The subcommands of /credit and who may use them.
CREDIT_SUBCOMMANDS = {
    "help": "anyone",
    "me": "anyone: their own credits",
    "org": "anyone: an organisation's public month",
    "quiet": "anyone: their own reminders only",
    "unquiet": "anyone: their own reminders only",
    "lead": "programme managers",
    "standing": "programme managers (every partner), partners' contacts (their own)",
    "hide": "anyone: their own public listing only",
    "show": "anyone: their own public listing only",
    "export": "anyone: their own data only",
    "forget": "anyone: their own data only, after a confirmation",
    "revoke": "team leads, never their own credit",
}
#: Crediting someone (``/credit @user type``) is for team leads.
TEAM_LEAD_ONLY = "Only team leads can credit people with /credit."
PM_ONLY = "Only programme managers can give leads with /credit lead; nothing was stored."
LEAD_ONLY_ANSWER = "Only team leads can answer these questions."


@pytest.fixture(scope="module")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


PANEL = ("U0PANEL1", "U0PANEL2")


def _config() -> dict[str, Any]:
    data = copy.deepcopy(BASE_CONFIG)
    data["distinguished"] = {
        "review_channel": "C0PANEL",
        "panel": [
            {"user": PANEL[0], "constituency": "core-committers"},
            {"user": PANEL[1], "constituency": "partners"},
        ],
    }
    return data


@pytest.fixture(scope="module")
def stack(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with open_stack(db_backend, request, tmp_path_factory, config=_config()) as running:
        for user in PANEL:
            running.slack_api.add_user(user, f"Panel {user[-1]}", f"{user.lower()}@project.example")
        # Alice and Bob are members already: a team lead credited them once.
        reply = _reply(running, running.command("<@U0ALICE> <@U0BOB> code", LEAD), 0)
        assert "Credited" in reply, reply
        yield running


def _reply(stack: Stack, response: Any, since: int | None = None, user: str | None = None) -> str:
    """What the person saw privately: the ack's text, or what came through the
    response_url or as an ephemeral message (since Slack call number ``since``)."""
    texts = []
    if response.content:
        data = json.loads(response.content)
        texts.append(str(data.get("text") or ""))
    for call in stack.slack_api.calls[since or 0 :] if since is not None else []:
        if call.method == "response_url" or (
            call.method == "chat.postEphemeral"
            and (user is None or call.params.get("user") == user)
        ):
            texts.append(str(call.params.get("text") or ""))
    return "\n".join(text for text in texts if text)


def _as(stack: Stack, user: str, text: str) -> tuple[str, dict[str, int], dict[str, int]]:
    before = stack.counts()
    since = len(stack.slack_api.calls)
    response = stack.command(text, user)
    assert response.status_code == 200
    return _reply(stack, response, since, user), before, stack.counts()


# -- the lists are complete ---------------------------------------------------------------


def test_every_listener_the_app_registers_is_classified_here(stack: Stack) -> None:
    registered = registered_listeners(stack.app.slack.bolt)
    assert registered - set(LISTENERS) == set(), "a new listener: say who may use it"
    assert set(LISTENERS) - registered == set(), "a listener went away: update this file"


def test_every_credit_subcommand_is_classified_here() -> None:
    assert set(CREDIT_SUBCOMMANDS_PARSED) == set(CREDIT_SUBCOMMANDS)


def test_every_button_the_bot_shows_is_a_listener_classified_here(stack: Stack) -> None:
    """The question, and the App Home of a team lead and of a member: every interactive
    element in them is handled, and listed above."""
    _open_question(stack)
    for user in (LEAD, MEMBER):
        stack.slack(dump(_home_opened(stack, user)))
    views = [
        call.params.get("view") for call in stack.slack_api.calls if call.method == "views.publish"
    ]
    questions = [
        call.params.get("blocks")
        for call in stack.slack_api.calls
        if call.method in ("chat.postMessage", "chat.update")
    ]
    shown = {action for blocks in [*views, *questions] for action in _action_ids(blocks)}
    assert "suggestion_yes" in shown
    classified = {name for kind, name in LISTENERS if kind == "action"}
    assert shown <= classified, shown - classified


def _action_ids(blocks: Any) -> set[str]:
    found: set[str] = set()
    if isinstance(blocks, dict):
        if isinstance(blocks.get("action_id"), str):
            found.add(blocks["action_id"])
        for value in blocks.values():
            found |= _action_ids(value)
    elif isinstance(blocks, list):
        for value in blocks:
            found |= _action_ids(value)
    return found


# -- /credit ------------------------------------------------------------------------------

CREDIT_SOMEONE = [
    "<@U0ALICE|alice> code",
    "<@U0ALICE> code 5 fixed the build",
    "<@U0ALICE> <@U0DMITRI> review 3",
    "<@U01LEAD> support",
    "<@U0NOBODY> talk 50",
    "<!here> code",
    "<@U0ALICE> CODE 1",
]


@pytest.mark.parametrize("user", NOT_LEADS)
@pytest.mark.parametrize("text", CREDIT_SOMEONE)
def test_only_a_team_lead_can_credit_someone(stack: Stack, user: str, text: str) -> None:
    reply, before, after = _as(stack, user, text)
    assert reply.startswith(TEAM_LEAD_ONLY), reply
    assert after == before


@pytest.mark.parametrize("user", [MEMBER, LEAD, OTHER_LEAD])
@pytest.mark.parametrize(
    "text",
    ["lead Europe hosting", 'lead Africa "instructional design" large -- call Ada', "LEAD x y"],
)
def test_only_a_programme_manager_can_give_a_lead(stack: Stack, user: str, text: str) -> None:
    reply, before, after = _as(stack, user, text)
    assert reply.startswith(PM_ONLY), reply
    assert after == before


@pytest.mark.parametrize("user", [MEMBER, ALICE, LEAD, OTHER_LEAD])
def test_only_a_programme_manager_or_a_partners_contact_sees_standing(
    stack: Stack, user: str
) -> None:
    reply, before, after = _as(stack, user, "standing")
    assert reply.startswith("`/credit standing` shows partners' figures, which are private")
    assert "Acme" not in reply and "Beta" not in reply
    assert after == before


def _opted_out(stack: Stack, slack_id: str) -> bool:
    from sqlalchemy import text

    with stack.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
        assert member is not None
        row = uow.session.execute(
            text("SELECT nudges_opted_out FROM member WHERE id = :id"), {"id": member.id}
        ).scalar_one()
    return bool(row)


@pytest.mark.parametrize("word", ["quiet", "unquiet"])
def test_quiet_changes_only_your_own_reminders_whoever_you_name(stack: Stack, word: str) -> None:
    alice_before = _opted_out(stack, ALICE)
    reply, _, _ = _as(stack, MEMBER, f"{word} <@U0ALICE|alice>")
    assert reply.startswith("Done: "), reply
    assert _opted_out(stack, ALICE) == alice_before
    assert _opted_out(stack, MEMBER) is (word == "quiet")


def test_me_shows_only_your_own_credits(stack: Stack) -> None:
    reply, before, after = _as(stack, MEMBER, "me <@U0ALICE>")
    assert after == before
    assert "Alice" not in reply and "alice@" not in reply


# -- the question's buttons ---------------------------------------------------------------


def _open_question(stack: Stack) -> int:
    """A question about a message of Alice's (Bob nominates it); its id."""
    envelope = slack_payload("event_reaction_added")
    envelope["event_id"] = f"EvPRIV{stack.next_id():06d}"
    envelope["event"]["item"]["ts"] = f"1793521200.{stack.next_id():06d}"
    assert stack.slack(dump(envelope)).status_code == 200
    with stack.runtime.reader() as uow:
        return max(s.id for s in uow.suggestions.open())


@pytest.mark.parametrize("user", NOT_LEADS)
@pytest.mark.parametrize("accept", [True, False], ids=["Yes", "No"])
def test_only_a_team_lead_can_answer_a_question(stack: Stack, user: str, accept: bool) -> None:
    question = _open_question(stack)
    before = stack.counts()
    since = len(stack.slack_api.calls)
    body = answer_body(question, user, accept=accept) | {
        "response_url": stack.slack_api.response_url("click")
    }
    assert stack.interactive(body).status_code == 200
    assert LEAD_ONLY_ANSWER in _reply(stack, _Empty(), since, user)
    assert stack.counts() == before
    with stack.runtime.reader() as uow:
        still = uow.suggestions.get(question)
    assert still is not None and still.is_open


def test_a_team_lead_cannot_decide_on_their_own_message(stack: Stack) -> None:
    envelope = slack_payload("event_reaction_added")
    envelope["event_id"] = f"EvPRIV{stack.next_id():06d}"
    envelope["event"]["item"]["ts"] = f"1793521200.{stack.next_id():06d}"
    envelope["event"]["item_user"] = OTHER_LEAD
    stack.slack(dump(envelope))
    with stack.runtime.reader() as uow:
        question = max(s.id for s in uow.suggestions.open())
    before = stack.counts()
    since = len(stack.slack_api.calls)
    body = answer_body(question, OTHER_LEAD) | {"response_url": stack.slack_api.response_url("x")}
    stack.interactive(body)
    assert "Nobody can decide on their own contribution" in _reply(
        stack, _Empty(), since, OTHER_LEAD
    )
    assert stack.counts() == before


class _Empty:
    content = b""


# -- reactions ----------------------------------------------------------------------------


@pytest.mark.parametrize("user", [MEMBER, PM, "U0DMITRI"])
def test_the_confirm_emoji_of_someone_who_is_not_a_team_lead_credits_nothing(
    stack: Stack, user: str
) -> None:
    envelope = slack_payload("event_reaction_added")
    envelope["event_id"] = f"EvPRIV{stack.next_id():06d}"
    envelope["event"]["user"] = user
    envelope["event"]["reaction"] = stack.runtime.config.slack.confirm_emoji
    envelope["event"]["item"] = {"type": "message", "channel": HELP, "ts": ANSWER_TS}
    before = stack.counts()
    assert stack.slack(dump(envelope)).status_code == 200
    after = stack.counts()
    assert after["credit"] == before["credit"]
    assert after["suggestion"] == before["suggestion"]


# -- the App Home -------------------------------------------------------------------------


def _home_opened(stack: Stack, user: str) -> dict[str, Any]:
    envelope = copy.deepcopy(slack_payload("event_app_home_opened"))
    envelope["event_id"] = f"EvHOME{stack.next_id():06d}"
    envelope["event"]["user"] = user
    return envelope


def test_only_a_team_leads_app_home_lists_the_open_questions(stack: Stack) -> None:
    _open_question(stack)
    published: dict[str, str] = {}
    for user in (LEAD, MEMBER, PM):
        since = len(stack.slack_api.calls)
        stack.slack(dump(_home_opened(stack, user)))
        (call,) = [c for c in stack.slack_api.calls[since:] if c.method == "views.publish"]
        assert call.params["user_id"] == user
        published[user] = json.dumps(call.params["view"])
    assert "Open questions" in published[LEAD]
    for user in (MEMBER, PM):
        assert "Open questions" not in published[user]
        assert "<#C0HELP>" not in published[user]


# -- the Distinguished Contributor panel's buttons -------------------------------------------

VOTES = sorted(name for (kind, name), who in LISTENERS.items() if who == "panel members")
PANEL_ONLY = "Only members of the review panel can vote on nominations."


@pytest.fixture(scope="module")
def nomination(stack: Stack) -> int:
    """Bob nominates Alice while nominations are open (15 October); its id."""
    clock = stack.runtime.clock
    now = stack.runtime.now()
    clock.set(datetime(2026, 10, 15, 12, tzinfo=UTC))  # type: ignore[attr-defined]
    try:
        reply = _reply(
            stack,
            stack.command("<@U0ALICE> engineer she fixed the build", MEMBER, command="/nominate"),
            0,
        )
    finally:
        clock.set(now)  # type: ignore[attr-defined]
    with stack.runtime.reader() as uow:
        (nominated,) = uow.distinguished.nominations()
    assert nominated.id, reply
    return int(nominated.id)


def _vote(stack: Stack, action: str, nomination_id: int, user: str) -> str:
    body = copy.deepcopy(slack_payload("block_actions_answer"))
    body["user"]["id"] = user
    body["container"]["channel_id"] = body["channel"]["id"] = "C0PANEL"
    body["response_url"] = stack.slack_api.response_url(f"vote-{user}")
    body["state"] = {"values": {}}
    body["actions"][0] |= {
        "action_id": action,
        "block_id": f"dc_nomination:{nomination_id}",
        "value": str(nomination_id),
    }
    since = len(stack.slack_api.calls)
    assert stack.interactive(body).status_code == 200
    return _reply(stack, _Empty(), since, user)


@pytest.mark.parametrize("user", [LEAD, MEMBER, PM, ALICE])
def test_only_a_panel_member_can_vote_on_a_nomination(
    stack: Stack, nomination: int, user: str
) -> None:
    assert VOTES, "the panel's buttons are listed above"
    for action in VOTES:
        before = stack.counts()
        reply = _vote(stack, action, nomination, user)
        assert PANEL_ONLY in reply, (action, reply)
        assert stack.counts() == before


def test_a_panel_members_vote_is_recorded(stack: Stack, nomination: int) -> None:
    """The other side: the same click from a panel member counts."""
    before = stack.counts()
    reply = _vote(stack, VOTES[0], nomination, PANEL[0])
    assert reply.startswith("Your vote"), reply
    assert stack.counts() != before
