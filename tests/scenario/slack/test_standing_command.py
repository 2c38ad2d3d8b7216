"""/credit standing: programme managers see every partner's month so far, a partner's
contact their own organisation only, anyone else a private refusal saying why."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

import pytest

from bot.services.ledger.conduct import add_conduct_record
from bot.services.partners.finance import add_payment
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.stored import stored

CONDUCT_NOTE = "PRIVATE-CONDUCT-5521 shouted at a volunteer"
ACME_LINE = (
    "• *Acme Learning* (acme): 4 of 10 points, $0.00 of $100.00 paid; level 0 (no warning); "
    "needs 6 more points and $100.00 more in payments by 30 November"
)


@pytest.fixture
def november(app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock) -> RunningApp:
    """20 November: Alice (Acme) has 4 points, Bob (Beta) 6 and Beta paid $500; Beta has
    a code-of-conduct record, which Slack never shows."""
    clock.set(datetime(2026, 11, 20, 12, tzinfo=UTC))
    app.command("<@U0ALICE|alice> code 4")
    app.command("<@U0BOB|bob> code 6")
    with app.runtime.uow() as uow:
        add_payment(
            uow, app.runtime.config, "beta", date(2026, 11, 5), Decimal(500), "USD", clock.now
        )
        add_conduct_record(uow, date(2026, 11, 2), CONDUCT_NOTE, clock.now, organisation="beta")
        uow.commit()
    return app


def _standing(app: RunningApp, slack_api: SlackApiStandIn, user: str) -> str:
    response = app.command("standing", user_id=user)
    assert response.status_code == 200
    reply = slack_api.calls_to(RESPONSE_URL)[-1]
    assert reply["response_type"] == "ephemeral"
    return str(reply["text"])


def test_a_programme_manager_sees_partners_at_risk_first_with_what_each_needs(
    november: RunningApp, slack_api: SlackApiStandIn
) -> None:
    text = _standing(november, slack_api, "U01PM")
    lines = text.splitlines()
    assert lines[0] == (
        "*Partner standing, November 2026 so far* (a preview; stored once the month ends)"
    )
    assert lines[1:3] == ["*At risk (1)*", ACME_LINE]
    assert lines[3] == "*On track (1)*"
    assert lines[4].startswith("• Beta Pedagogy (beta): 6 of 5 points, $500.00 of $")
    assert "PRIVATE-CONDUCT" not in text and "conduct: " not in text
    assert len(text) <= 3000


def test_a_partners_contact_sees_their_own_organisation_only(
    november: RunningApp, slack_api: SlackApiStandIn
) -> None:
    text = _standing(november, slack_api, "U01ACME")
    assert text.startswith("*Acme Learning, November 2026 so far*\nPoints: 4 of the 10 needed\n")
    assert "Payments: $0.00 of the $100.00 needed" in text
    assert "Needs 6 more points and $100.00 more in payments by 30 November." in text
    assert "Beta" not in text
    beta = _standing(november, slack_api, "U01BETA")
    assert "Beta Pedagogy" in beta and "Meets every minimum so far." in beta
    assert "Acme" not in beta and "PRIVATE-CONDUCT" not in beta


def test_a_member_asking_for_standing_is_refused_privately_and_nothing_is_stored(
    november: RunningApp, slack_api: SlackApiStandIn
) -> None:
    before = stored(november.runtime)
    text = _standing(november, slack_api, "U0ALICE")
    assert text.startswith("`/credit standing` shows partners' figures, which are private")
    assert "you are neither" in text
    assert "Acme" not in text and "points" not in text
    assert stored(november.runtime) == before


def test_help_lists_standing_and_extra_words_get_the_usage(app: RunningApp) -> None:
    reply = app.command("help", user_id="U0ALICE").json()
    assert reply["response_type"] == "ephemeral"
    assert "`/credit standing` (programme managers and partners' contacts)" in reply["text"]
    answer = app.command("standing acme", user_id="U01PM").json()
    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("Write `/credit standing` alone")
