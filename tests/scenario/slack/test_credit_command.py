"""/credit: team leads credit directly; every mistake gets a private answer, stores nothing."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import text as sql

from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.stored import stored

NOTHING = {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 0}


def _credits(app: RunningApp, slack_id: str) -> list[tuple[str, int, datetime, str, str | None]]:
    with app.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
        if member is None:
            return []
        return [
            (c.type, c.points, c.occurred_at, c.note, c.organisation)
            for c in uow.credits.for_member(member.id)
        ]


def _reply(slack_api: SlackApiStandIn) -> dict[str, object]:
    (reply,) = slack_api.calls_to(RESPONSE_URL)
    return reply


def test_a_team_lead_credits_someone_with_type_points_and_note(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    response = app.command("<@U0ALICE|alice> code 3 fixed the build")
    assert response.status_code == 200
    assert response.text == ""  # acked at once; the answer follows privately
    reply = _reply(slack_api)
    assert reply["response_type"] == "ephemeral"
    assert reply["text"] == "Credited <@U0ALICE> with *code*, 3 points: fixed the build"
    now = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
    assert _credits(app, "U0ALICE") == [("code", 3, now, "fixed the build", "acme")]


def test_several_people_are_credited_in_one_command_with_the_types_points(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> <@U0BOB|bob> review")
    assert _reply(slack_api)["text"] == (
        "Credited <@U0ALICE> and <@U0BOB> with *review*, 3 points each"
    )
    assert [c[:2] for c in _credits(app, "U0ALICE")] == [("review", 3)]
    assert [(c[0], c[1], c[4]) for c in _credits(app, "U0BOB")] == [("review", 3, "beta")]


MALFORMED = [
    ("", "Tell me who to credit and for what."),
    ("<@U0ALICE|alice>", "Which kind of contribution?"),
    ("<@U0ALICE|alice> coding 3", "Unknown contribution type 'coding'"),
    ("code 3 <@U0ALICE|alice>", "Start with the person to credit, not 'code'"),
    ("@alice code", "I could not read '@alice' as a Slack user"),
    ("<!here> code", "@here, @channel and user groups cannot be credited"),
    ("<@U0ALICE|alice> code 0", "Points must be a whole number from 1 to 50, not '0'"),
    ("<@U0ALICE|alice> code 51", "Points must be a whole number from 1 to 50, not '51'"),
    ("<@U0ALICE|alice> code -3", "Points must be a whole number from 1 to 50, not '-3'"),
    ("<@U0ALICE|alice> code 2.5", "Points must be a whole number from 1 to 50, not '2.5'"),
    ("org", "Which organisation?"),
]


def test_every_malformed_command_is_answered_privately_with_the_usage_and_stores_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    for text, expected in MALFORMED:
        response = app.command(text)
        assert response.status_code == 200
        answer = response.json()
        assert answer["response_type"] == "ephemeral"
        assert answer["text"].startswith(expected), text
        assert "*How to use /credit*" in answer["text"]
    assert stored(app.runtime) == NOTHING
    assert slack_api.calls_to(RESPONSE_URL) == []


def test_crediting_yourself_is_refused(app: RunningApp) -> None:
    answer = app.command("<@U0ALICE|alice> <@U01LEAD|lena> docs").json()
    assert answer["text"].startswith("You cannot credit yourself; ask another team lead.")
    assert stored(app.runtime) == NOTHING


def test_someone_who_is_not_a_team_lead_cannot_credit(app: RunningApp) -> None:
    answer = app.command("<@U0ALICE|alice> code", user_id="U0BOB").json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Only team leads can credit people with /credit.")
    assert stored(app.runtime) == NOTHING


def test_a_bot_or_someone_who_left_is_never_credited_and_nothing_is_stored(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> <@U0DEPLOY|deploy> <@U0GONE|gone> support")
    assert _reply(slack_api)["text"] == (
        "Nothing was credited: <@U0DEPLOY> is a bot, <@U0GONE> has left the workspace; "
        "bots and people who left never earn credit."
    )
    assert stored(app.runtime)["credits"] == 0


def test_a_user_slack_does_not_know_is_reported_and_nothing_is_stored(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> <@U0NOBODY|x> support")
    assert _reply(slack_api)["text"] == (
        "Nothing was credited: I cannot find <@U0NOBODY> in this workspace."
    )
    assert stored(app.runtime)["credits"] == 0


def test_help_is_shown_to_anyone(app: RunningApp) -> None:
    answer = app.command("help", user_id="U0BOB").json()
    assert answer["text"].startswith("*How to use /credit*")


def test_me_shows_your_own_credits_and_your_organisations_rank(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 3 fixed the build")
    app.command("<@U0BOB|bob> docs")
    slack_api.clear()
    app.command("me", user_id="U0ALICE")
    assert _reply(slack_api)["text"] == (
        "*Your credits*\n"
        "*November 2026:* 3 points from 1 credit\n"
        "*All time:* 3 points from 1 credit\n"
        "*Organisation:* Acme Learning, ranked 1 of 2 in November 2026\n"
        "*Recent:*\n"
        "• 2026-11-01 code, 3 points (credit 1): fixed the build"
    )


def test_me_without_credits_says_so_kindly(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    app.command("me", user_id="U0DMITRI")
    assert _reply(slack_api)["text"].startswith("You have no credits yet.")


def test_org_shows_an_organisations_month(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    app.command("<@U0ALICE|alice> code 3")
    slack_api.clear()
    app.command("org acme", user_id="U0BOB")
    assert _reply(slack_api)["text"] == (
        "*Acme Learning* in November 2026: 3 points from 1 contributor, rank 1 "
        "(last month: 0 points)."
    )
    slack_api.clear()
    app.command("org nowhere", user_id="U0BOB")
    assert _reply(slack_api)["text"] == (
        "No organisation 'nowhere'. Known organisations: acme, beta, core."
    )


def test_quiet_and_unquiet_turn_reminders_off_and_on(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("quiet", user_id="U0BOB")
    assert _reply(slack_api)["text"].startswith("Done: I will not send you reminders.")
    with app.runtime.reader() as uow:
        (reachable,) = [r for r in uow.nudges.reachable_members() if r.slack_id == "U0BOB"]
    assert reachable.opted_out is True
    app.command("unquiet", user_id="U0BOB")
    with app.runtime.reader() as uow:
        (reachable,) = [r for r in uow.nudges.reachable_members() if r.slack_id == "U0BOB"]
    assert reachable.opted_out is False


def test_when_something_unexpected_breaks_the_person_gets_an_apology(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 3")
    slack_api.clear()
    with app.runtime.engine.begin() as connection:  # the ledger table goes missing
        connection.execute(sql("ALTER TABLE credit RENAME TO credit_elsewhere"))
    app.command("me", user_id="U0ALICE")
    assert _reply(slack_api)["text"].startswith("Sorry, something went wrong on my side")
