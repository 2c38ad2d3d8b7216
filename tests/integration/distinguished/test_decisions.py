"""The decision date: tallies, outcomes, memberships, exactly once."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import InvalidInput
from bot.runtime import Runtime
from bot.services.distinguished.cycle import decide
from tests.support.builders.distinguished import (
    PANEL,
    cast,
    decide_at,
    nominate_now,
    outbox,
    outbox_keys,
    person,
)
from tests.support.clock import FixedClock


def posted_panel_message(runtime: Runtime, nomination_id: int, ts: str) -> None:
    """The outbox worker delivered the panel's message (Slack gave it ``ts``)."""
    with runtime.uow() as uow:
        message = uow.outbox.by_key(f"dc:nomination:{nomination_id}:panel")
        assert message is not None
        uow.outbox.mark_sent(message.id, ts, runtime.now())
        uow.commit()


def test_too_few_votes_record_no_quorum_and_make_nobody_a_member(
    in_window: Runtime, clock: FixedClock
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    nomination = nominate_now(in_window, "U0ALICE").nomination
    cast(in_window, nomination.id, PANEL[0], "approve")  # 1 of 4 seats: quorum is 2
    [decision] = decide_at(in_window, clock)
    assert decision.outcome == "no_quorum"
    assert decision.tally.as_dict() == {
        "approve": 1,
        "decline": 0,
        "abstain": 0,
        "seats": 4,
        "quorum_reached": False,
        "outcome": "no_quorum",
    }
    assert decision.membership is None
    with in_window.reader() as uow:
        kept = uow.distinguished.nomination(nomination.id)
        assert kept is not None
        assert (kept.status, kept.tally) == ("no_quorum", decision.tally.as_dict())
        assert uow.distinguished.memberships(active_on=date(2027, 1, 1)) == []


def test_abstentions_make_the_quorum_and_the_approvals_decide(
    in_window: Runtime, clock: FixedClock
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    nomination = nominate_now(in_window, "U0ALICE").nomination
    cast(in_window, nomination.id, PANEL[0], "approve")
    cast(in_window, nomination.id, PANEL[1], "abstain")
    [decision] = decide_at(in_window, clock)
    assert (decision.outcome, decision.tally.cast) == ("approved", 2)
    assert decision.membership is not None
    assert (decision.membership.started, decision.membership.ends) == (
        date(2026, 12, 1),
        date(2028, 12, 1),
    )


def test_a_tie_is_declined(in_window: Runtime, clock: FixedClock) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    nomination = nominate_now(in_window, "U0ALICE").nomination
    cast(in_window, nomination.id, PANEL[0], "approve")
    cast(in_window, nomination.id, PANEL[1], "decline")
    [decision] = decide_at(in_window, clock)
    assert decision.outcome == "declined"
    assert decision.membership is None


def test_only_the_latest_value_of_a_changed_vote_is_counted(
    in_window: Runtime, clock: FixedClock
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    nomination = nominate_now(in_window, "U0ALICE").nomination
    cast(in_window, nomination.id, PANEL[0], "decline")
    cast(in_window, nomination.id, PANEL[1], "decline")
    cast(in_window, nomination.id, PANEL[1], "approve")
    cast(in_window, nomination.id, PANEL[2], "approve")
    [decision] = decide_at(in_window, clock)
    assert (decision.tally.approve, decision.tally.decline, decision.outcome) == (2, 1, "approved")


def test_deciding_twice_gives_the_same_result_and_sends_nothing_more(
    in_window: Runtime, clock: FixedClock
) -> None:
    person(in_window, "U0ALICE", "Alice Martin", forum="alice")
    person(in_window, "U0BOB", "Bob Stone")
    alice = nominate_now(in_window, "U0ALICE").nomination
    bob = nominate_now(in_window, "U0BOB", "advocate").nomination
    posted_panel_message(in_window, alice.id, "1790000000.000100")
    for seat in PANEL[:3]:
        cast(in_window, alice.id, seat, "approve")
    cast(in_window, bob.id, PANEL[0], "decline")
    cast(in_window, bob.id, PANEL[1], "decline")

    first = decide_at(in_window, clock)
    assert [(d.nomination.id, d.outcome) for d in first] == [
        (alice.id, "approved"),
        (bob.id, "declined"),
    ]
    update = next(m for m in outbox(in_window) if m.key == f"dc:nomination:{alice.id}:decided")
    assert (update.kind, update.target, update.payload["ts"]) == (
        "update",
        "C0PANEL",
        "1790000000.000100",
    )
    keys = outbox_keys(in_window)

    clock.set(datetime(2026, 12, 1, 10, 0, tzinfo=UTC))
    assert decide_at(in_window, clock, at=datetime(2026, 12, 2, 9, 0, tzinfo=UTC)) == []
    assert outbox_keys(in_window) == keys
    with in_window.reader() as uow:
        statuses = [(n.id, n.status) for n in uow.distinguished.nominations(cycle=2026)]
        members = uow.distinguished.memberships(active_on=date(2027, 1, 1))
    assert statuses == [(alice.id, "approved"), (bob.id, "declined")]
    assert [(m.name, m.track, m.slack_user, m.discourse_username) for m in members] == [
        ("Alice Martin", "engineer", "U0ALICE", "alice")
    ]


def test_the_outcome_cannot_be_decided_while_voting_is_open(
    in_window: Runtime, clock: FixedClock
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    nominate_now(in_window, "U0ALICE")
    clock.set(datetime(2026, 11, 30, 23, 59, tzinfo=UTC))
    with in_window.uow() as uow, pytest.raises(InvalidInput) as refused:
        decide(uow, in_window.config, 2026, in_window.now())
    assert str(refused.value) == (
        "Voting for 2026 is open until 1 December 2026 00:00 (UTC); "
        "the outcome can be decided from then."
    )


def test_an_active_member_approved_again_has_the_term_extended_not_duplicated(
    in_window: Runtime, clock: FixedClock
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    first = nominate_now(in_window, "U0ALICE").nomination
    for seat in PANEL[:3]:
        cast(in_window, first.id, seat, "approve")
    decide_at(in_window, clock)
    clock.set(datetime(2027, 10, 1, 12, 0, tzinfo=UTC))
    again = nominate_now(in_window, "U0ALICE").nomination
    assert again.cycle == 2027
    for seat in PANEL[:3]:
        cast(in_window, again.id, seat, "approve")
    [decision] = decide_at(in_window, clock, 2027, datetime(2027, 12, 1, 9, tzinfo=UTC))
    assert decision.membership is not None
    assert (
        decision.membership.started,
        decision.membership.ends,
        decision.membership.first_started,
        decision.membership.renewed_count,
    ) == (date(2027, 12, 1), date(2029, 12, 1), date(2026, 12, 1), 1)
    with in_window.reader() as uow:
        assert len(uow.distinguished.all_memberships()) == 1
