"""``/credit hide|show|export|forget me`` from someone the bot never recorded, and
what people typed never echoed as a live Slack control sequence; through signed
requests, the replies read from the Slack stand-in."""

from __future__ import annotations

from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.stored import stored

STRANGER = "U0DMITRI"  # in the workspace, never seen by the bot


def _last_reply(slack_api: SlackApiStandIn) -> str:
    return str(slack_api.calls_to(RESPONSE_URL)[-1]["text"])


def _members(app: RunningApp) -> int:
    with app.runtime.reader() as uow:
        return len(uow.members.all())


def test_hide_and_show_from_a_stranger_say_nothing_is_listed_and_store_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    before, people = stored(app.runtime), _members(app)

    app.command("hide me", user_id=STRANGER)
    hidden = _last_reply(slack_api)
    app.command("show me", user_id=STRANGER)
    shown = _last_reply(slack_api)

    assert hidden.startswith("I hold nothing about you, so nothing is listed about you anywhere")
    assert "there is nothing to hide" in hidden
    assert shown.startswith("I hold nothing about you yet, so nothing is listed about you.")
    assert stored(app.runtime) == before and _members(app) == people


def test_export_from_a_stranger_says_nothing_is_held_and_sends_no_file(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    before, people = stored(app.runtime), _members(app)

    app.command("export me", user_id=STRANGER)

    assert _last_reply(slack_api) == (
        "creditbot holds nothing about you, so there is no file to send."
    )
    assert slack_api.uploads() == [] and slack_api.calls_to("conversations.open") == []
    assert stored(app.runtime) == before and _members(app) == people


def test_forget_from_a_stranger_says_nothing_to_erase_without_asking_to_confirm(
    app: RunningApp,
) -> None:
    before, people = stored(app.runtime), _members(app)

    answer = app.command("forget me", user_id=STRANGER).json()

    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == "creditbot holds nothing about you, so there is nothing to erase."
    assert "blocks" not in answer or not answer["blocks"]
    assert stored(app.runtime) == before and _members(app) == people


def test_an_unknown_organisation_is_named_back_without_pinging_the_channel(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("org <!channel>", user_id="U0BOB")

    reply = _last_reply(slack_api)
    assert reply.startswith("No organisation '&lt;!channel&gt;'. Known organisations:")
    assert "<!channel>" not in reply


def test_a_refused_command_shows_a_typed_mention_as_text(app: RunningApp) -> None:
    answer = app.command("org <@U0ALICE|alice> <!here>", user_id="U0BOB").json()

    assert answer["text"].startswith(
        "One organisation at a time, e.g. `/credit org &lt;@U0ALICE|alice&gt;`."
    )
    assert "<@U0ALICE" not in answer["text"] and "<!here>" not in answer["text"]


def test_a_revoke_reason_is_repeated_as_text_not_as_a_ping(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 5")
    with app.runtime.reader() as uow:
        alice = uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE"))
        assert alice is not None
        (credit,) = uow.credits.for_member(alice.id)
    app.command(f"revoke {credit.id} duplicate of <!channel> post", user_id="U02LEAD")

    reply = _last_reply(slack_api)
    assert "Reason: duplicate of &lt;!channel&gt; post." in reply
    assert "<!channel>" not in reply
