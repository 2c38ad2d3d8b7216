"""A refused /credit revoke reads as one sentence that ends once."""

from __future__ import annotations

from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.serving import RunningApp


def test_a_lead_revoking_their_own_credit_is_told_so_in_a_reply_that_ends_once(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U02LEAD|leo> docs", user_id="U01LEAD")
    with app.runtime.reader() as uow:
        leo = uow.members.find(Identity(IdentityKind.SLACK, "U02LEAD"))
        assert leo is not None
        (credit,) = uow.credits.for_member(leo.id)

    app.command(f"revoke {credit.id} mine", user_id="U02LEAD")

    reply = str(slack_api.calls_to(RESPONSE_URL)[-1]["text"])
    assert reply == (
        f"Nothing was revoked: credit {credit.id} is your own: ask another team lead to "
        "revoke it. Nothing was changed."
    )
