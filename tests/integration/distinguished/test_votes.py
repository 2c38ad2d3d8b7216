"""The panel's votes: who may vote, one vote per member (the latest counts), privacy."""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.errors import InvalidInput
from bot.runtime import Runtime
from bot.services.distinguished.cycle import VoteResult, vote
from tests.support.builders.distinguished import PANEL, cast, nominate_now, person
from tests.support.clock import FixedClock


def vote_now(runtime: Runtime, nomination_id: int, voter: str, value: str) -> VoteResult:
    with runtime.uow() as uow:
        result = vote(
            uow,
            runtime.config,
            nomination_id=nomination_id,
            voter=voter,
            vote=value,
            now=runtime.now(),
        )
        uow.commit()
    return result


def votes_cast(runtime: Runtime, nomination_id: int) -> int:
    with runtime.reader() as uow:
        return uow.distinguished.vote_counts(nomination_id)


@pytest.fixture
def nomination_id(in_window: Runtime) -> int:
    person(in_window, "U0ALICE", "Alice Martin")
    return nominate_now(in_window, "U0ALICE").nomination.id


def test_a_vote_by_someone_off_the_panel_is_refused_and_not_counted(
    in_window: Runtime, nomination_id: int
) -> None:
    with pytest.raises(InvalidInput) as refused:
        vote_now(in_window, nomination_id, "U0LURKER", "approve")
    assert str(refused.value) == "Only members of the review panel can vote on nominations."
    assert votes_cast(in_window, nomination_id) == 0


def test_a_panel_member_cannot_vote_on_their_own_nomination(in_window: Runtime) -> None:
    person(in_window, PANEL[0], "Pat Panel")
    own = nominate_now(in_window, PANEL[0], nominator="U0FRIEND").nomination.id
    with pytest.raises(InvalidInput) as refused:
        vote_now(in_window, own, PANEL[0], "approve")
    assert str(refused.value) == "You cannot vote on your own nomination."
    assert votes_cast(in_window, own) == 0
    cast(in_window, own, PANEL[1], "approve")  # the others may
    assert votes_cast(in_window, own) == 1


class TestOrganisationContacts:
    @pytest.fixture
    def config_data(self, config_data: dict[str, Any]) -> dict[str, Any]:
        config_data["organisations"][0]["contacts"] = ["U01ACME", PANEL[2]]
        return config_data

    def test_a_contact_of_a_nominated_organisation_cannot_vote_on_it(
        self, in_window: Runtime
    ) -> None:
        acme = nominate_now(in_window, "acme", "partner", "Hosts every meetup.").nomination.id
        with pytest.raises(InvalidInput) as refused:
            vote_now(in_window, acme, PANEL[2], "approve")
        assert str(refused.value) == "You cannot vote on your own nomination."
        vote_now(in_window, acme, PANEL[3], "approve")
        assert votes_cast(in_window, acme) == 1


def test_a_changed_vote_keeps_one_vote_with_the_latest_value(
    in_window: Runtime, nomination_id: int
) -> None:
    first = vote_now(in_window, nomination_id, PANEL[1], "approve")
    assert (first.vote, first.changed, first.previous, first.votes_cast) == (
        "approve",
        False,
        None,
        1,
    )
    second = vote_now(in_window, nomination_id, PANEL[1], "Decline")
    assert (second.vote, second.changed, second.previous, second.votes_cast) == (
        "decline",
        True,
        "approve",
        1,
    )
    same = vote_now(in_window, nomination_id, PANEL[1], "decline")
    assert (same.changed, same.previous) == (False, "decline")
    with in_window.reader() as uow:
        assert uow.distinguished.vote_counts(nomination_id) == 1
        assert uow.distinguished.vote_of(nomination_id, PANEL[1]) == "decline"


def test_votes_close_at_midnight_starting_the_decision_day(
    in_window: Runtime, clock: FixedClock, nomination_id: int
) -> None:
    clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    result = vote_now(in_window, nomination_id, PANEL[1], "abstain")
    assert result.changeable_until.isoformat() == "2026-12-01"
    clock.set(datetime(2026, 12, 1, 0, 0, tzinfo=UTC))
    with pytest.raises(InvalidInput) as refused:
        vote_now(in_window, nomination_id, PANEL[1], "approve")
    assert str(refused.value) == "Voting for 2026 closed on 1 December."


def test_an_unknown_vote_or_nomination_is_refused(in_window: Runtime, nomination_id: int) -> None:
    with pytest.raises(
        InvalidInput, match=r"^'maybe' is not a vote; vote approve, decline or abstain"
    ):
        vote_now(in_window, nomination_id, PANEL[1], "maybe")
    with pytest.raises(InvalidInput, match=r"^There is no nomination 999\.$"):
        vote_now(in_window, 999, PANEL[1], "approve")


def test_nothing_logged_names_a_voter_or_a_vote(
    in_window: Runtime, clock: FixedClock, nomination_id: int, caplog: pytest.LogCaptureFixture
) -> None:
    from tests.support.builders.distinguished import decide_at

    caplog.set_level(logging.DEBUG)
    cast(in_window, nomination_id, PANEL[1], "approve")
    cast(in_window, nomination_id, PANEL[2], "decline")
    decide_at(in_window, clock)
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PANEL[1] not in logged and PANEL[2] not in logged
