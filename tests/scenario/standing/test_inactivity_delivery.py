"""`creditbot jobs run inactivity --at`: nudges and alerts reach only who they are for."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import credit
from tests.support.cli import Cli
from tests.support.months import AUG, JUL, OCT, SEP
from tests.support.slack import dm_texts, public_texts


def test_a_quiet_member_is_nudged_once_and_managers_hear_of_a_decline(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    for month in (JUL, AUG, SEP):
        credit(runtime, "ann@acme.example", month, 12)
    credit(runtime, "ann@acme.example", OCT, 4)
    with runtime.uow() as uow:
        ensure_member(
            uow,
            runtime.config,
            [Identity(IdentityKind.SLACK, "U0QUIET"), Identity(IdentityKind.EMAIL, "q@x.example")],
            "Quinn Quiet",
            datetime(2026, 7, 1, tzinfo=UTC),
        )
        uow.commit()
    credit(runtime, "q@x.example", JUL, 3, day=20)  # nothing since 20 July
    result = cli("jobs", "run", "inactivity", "--at", "2026-11-01T10:00:00Z")
    assert result.code == 0, result.err
    received = dm_texts(slack)
    assert set(received) == {"U0QUIET", "U01PM"}
    (nudge,) = received["U0QUIET"]
    assert nudge.startswith("Hi Quinn!") and "/credit quiet" in nudge
    (alert,) = received["U01PM"]
    assert "Acme Learning (acme) had 4 points in October 2026, down 67%" in alert
    assert public_texts(slack) == {}
    again = cli("jobs", "run", "inactivity", "--at", "2026-11-02T10:00:00Z")
    assert again.code == 0, again.err
    assert len(slack.calls_to("chat.postMessage")) == 2
