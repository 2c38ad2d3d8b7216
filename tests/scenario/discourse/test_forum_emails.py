"""A forum user's e-mail address (in the user webhook, or looked up through the API)
makes them one member with their Slack account; one that is not an address is left out,
with a log line, and the member is made from the forum account alone."""

from __future__ import annotations

import logging

import pytest

from bot.runtime import Runtime
from scoring.models import IdentityKind
from tests.standins.discourse_api import StandinDiscourse
from tests.support.discourse import Deliver, payload
from tests.support.stored import forum_member

NOT_ADDRESSES = ["nadia@", "@acme.example", "n@a@acme.example", "nadia p@acme.example"]


def _ignored_lines(caplog: pytest.LogCaptureFixture) -> list[str]:
    return [r.getMessage() for r in caplog.records if r.name == "creditbot.discourse"]


@pytest.mark.parametrize("address", NOT_ADDRESSES)
def test_a_signup_whose_email_is_not_an_address_is_a_member_without_it(
    deliver: Deliver, forum_runtime: Runtime, caplog: pytest.LogCaptureFixture, address: str
) -> None:
    with caplog.at_level(logging.WARNING, logger="creditbot.discourse"):
        response = deliver("user_created", payload("user_created", email=address))

    assert response.json()["status"] == "accepted"
    nadia = forum_member(forum_runtime, "nadia_p")
    assert nadia is not None and nadia.name == "Nadia Petrova"
    assert nadia.identity(IdentityKind.EMAIL) is None
    with forum_runtime.reader() as uow:
        assert uow.members.affiliations(nadia.id) == []
    logged = _ignored_lines(caplog)
    assert "forum user nadia_p: ignored an e-mail address that is not one" in logged
    assert not any(address in line for line in logged)


def test_a_poster_whose_looked_up_email_is_not_an_address_is_a_member_without_it(
    deliver: Deliver,
    forum_runtime: Runtime,
    forum: StandinDiscourse,
    caplog: pytest.LogCaptureFixture,
) -> None:
    forum.add_user("nadia_p", "nadia@acme", user_id=58, name="Nadia Petrova")

    with caplog.at_level(logging.WARNING, logger="creditbot.discourse"):
        deliver("post_created", payload("post_created"))

    assert len(forum.calls("/emails.json")) == 1
    nadia = forum_member(forum_runtime, "nadia_p")
    assert nadia is not None and nadia.identity(IdentityKind.EMAIL) is None
    assert "forum user nadia_p: ignored an e-mail address that is not one" in _ignored_lines(caplog)
