"""``/credit standing`` for a programme manager, a partner's contact, and anyone else;
and the programme manager's App Home."""

from __future__ import annotations

from datetime import timedelta

from tests.conftest import FixedClock
from tests.scenario.slack.conftest import (
    PEOPLE,
    RunningApp,
    add_help_thread,
    payload,
    stored,
    thank_alice_event,
)
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn

MANAGER, ACME_CONTACT = "U01PM", "U01ACME"


def _standing(app: RunningApp, slack_api: SlackApiStandIn, user: str) -> str:
    app.command("standing", user_id=user)
    return str(slack_api.calls_to(RESPONSE_URL)[-1]["text"])


def _people(slack_api: SlackApiStandIn) -> None:
    known = {p[0] for p in PEOPLE}
    for user, name in ((MANAGER, "Pat Manager"), (ACME_CONTACT, "Ada Acme")):
        if user not in known:
            slack_api.add_user(user, name, f"{name.split()[0].lower()}@project.example")


def test_a_programme_manager_sees_every_partner_at_risk_first(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _people(slack_api)
    app.command("<@U0ALICE|alice> event")  # Acme: 8 points, under its minimum of 10

    text = _standing(app, slack_api, MANAGER)

    lines = text.splitlines()
    assert lines[0] == "*Partner standing, November 2026* (so far; at risk first)"
    assert lines[1].startswith("• *Acme Learning* (acme): :warning: at risk")
    assert "8 points this month" in lines[1] and "Needs:" in lines[1]
    assert lines[2].startswith("• *Beta Pedagogy* (beta):")
    assert len(lines) == 3


def test_a_partners_contact_sees_only_their_own_organisation(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    _people(slack_api)

    text = _standing(app, slack_api, ACME_CONTACT)

    assert "Acme Learning" in text and "Beta" not in text


def test_anyone_else_is_refused_and_nothing_is_stored(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    before = stored(app.runtime)

    text = _standing(app, slack_api, "U0BOB")

    assert text.startswith("Only programme managers and partners' contacts can see")
    assert "Acme" not in text
    assert stored(app.runtime) == before


def test_the_programme_managers_home_shows_old_questions_and_partners_at_risk(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    _people(slack_api)
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    clock.set(clock.now + timedelta(days=40))
    envelope = payload("event_app_home_opened")
    envelope["event_id"] = "Ev0HOMEPM001"
    envelope["event"]["user"] = MANAGER

    app.event(envelope)

    view = slack_api.calls_to("views.publish")[-1]["view"]
    text = str(view["blocks"])
    assert "*Questions open over three days:* 1" in text
    assert "*Partners at risk this month:* Acme Learning" in text
    assert "*Last job runs:*" in text
