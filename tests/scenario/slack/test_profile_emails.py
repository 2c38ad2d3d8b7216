"""A Slack profile's e-mail address makes the member one with their forum account and
affiliates them by its domain; one that is not an address is left out, with a log line,
and the member is made from the Slack account alone."""

from __future__ import annotations

import logging

import pytest

from scoring.models import Identity, IdentityKind
from tests.support.serving import RunningApp
from tests.support.slack import payload


@pytest.mark.parametrize(
    "address", ["nora@", "@beta.example", "a@b@beta.example", "n b@beta.example"]
)
def test_a_joiner_whose_profile_email_is_not_an_address_is_a_member_without_it(
    app: RunningApp, caplog: pytest.LogCaptureFixture, address: str
) -> None:
    envelope = payload("event_team_join")
    envelope["event"]["user"]["profile"]["email"] = address

    with caplog.at_level(logging.WARNING, logger="creditbot.slack"):
        assert app.event(envelope).status_code == 200

    with app.runtime.reader() as uow:
        nora = uow.members.find(Identity(IdentityKind.SLACK, "U0NEWBIE"))
        assert nora is not None and nora.name == "Nora Newcomer"
        assert nora.identity(IdentityKind.EMAIL) is None
        assert uow.members.affiliations(nora.id) == []
    logged = [r.getMessage() for r in caplog.records if r.name == "creditbot.slack"]
    assert "Slack user U0NEWBIE: ignored an e-mail address that is not one" in logged
    assert not any(address in line for line in logged)  # the address itself is not logged
