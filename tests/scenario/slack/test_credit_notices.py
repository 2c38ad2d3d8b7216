"""A member is told by DM when a credit is decided live, a burst of credits in one DM,
and never after ``/credit quiet credits``."""

from __future__ import annotations

from datetime import timedelta

from bot.outbox.worker import deliver_due
from bot.services.people.notices import BATCH
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import add_help_thread, answer_body, thank_alice_event

FIRST_NOTE = (
    "I send you a message like this each time you are credited; "
    "`/credit quiet credits` turns them off."
)


def _send_waiting(app: RunningApp, clock: FixedClock) -> None:
    """The outbox worker's round once the batching window has passed."""
    clock.set(clock.now + BATCH + timedelta(seconds=1))
    deliver_due(app.runtime, app.slack.gateway, None, clock.now)


def test_a_credit_from_a_team_lead_is_told_to_the_member_by_dm(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    assert slack_api.posts_to("D0ALICE") == []  # it waits for others to join it

    _send_waiting(app, clock)

    (dm,) = slack_api.posts_to("D0ALICE")
    assert dm["text"] == (
        "5 points (code) for fixed the build, confirmed by <@U01LEAD> \u2014 thank you!\n"
        + FIRST_NOTE
    )


def test_several_credits_within_minutes_arrive_as_one_dm_and_only_the_first_says_how_to_stop(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    clock.set(clock.now + timedelta(minutes=1))
    app.command("<@U0ALICE|alice> docs", user_id="U02LEAD", trigger_id="t2")
    _send_waiting(app, clock)
    app.command("<@U0ALICE|alice> review", trigger_id="t3")
    _send_waiting(app, clock)

    first, second = slack_api.posts_to("D0ALICE")
    assert first["text"] == (
        "You were credited:\n"
        "\u2022 5 points (code) for fixed the build, confirmed by <@U01LEAD>\n"
        "\u2022 3 points (docs), confirmed by <@U02LEAD>\n"
        "Thank you!\n" + FIRST_NOTE
    )
    assert second["text"] == "3 points (review), confirmed by <@U01LEAD> \u2014 thank you!"


def test_quiet_credits_stops_the_dms_and_unquiet_brings_them_back(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    app.command("<@U0ALICE|alice> code")
    _send_waiting(app, clock)
    slack_api.clear()

    app.command("quiet credits", user_id="U0ALICE")
    assert slack_api.calls_to(RESPONSE_URL)[-1]["text"].startswith(
        "Done: I will not message you each time you are credited."
    )
    app.command("<@U0ALICE|alice> docs", trigger_id="t2")
    _send_waiting(app, clock)
    assert slack_api.posts_to("D0ALICE") == []

    app.command("unquiet credits", user_id="U0ALICE")
    app.command("<@U0ALICE|alice> review", trigger_id="t3")
    _send_waiting(app, clock)
    (dm,) = slack_api.posts_to("D0ALICE")
    assert dm["text"].startswith("3 points (review), confirmed by <@U01LEAD>")


def test_a_team_leads_yes_on_a_question_tells_the_helper_with_a_link_to_the_message(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    with app.runtime.reader() as uow:
        (question,) = uow.suggestions.open()
    app.action(answer_body(question.id, "U02LEAD", question_ts=question.question_ts or ""))

    _send_waiting(app, clock)

    (dm,) = slack_api.posts_to("D0ALICE")
    assert question.permalink and question.permalink in dm["text"]
    assert dm["text"].startswith(f"2 points (support) for {question.permalink}, confirmed by")
