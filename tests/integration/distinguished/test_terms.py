"""Terms: reminders (once), renewal on points in the track, expiry, lifetime after four years."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.runtime import Runtime
from bot.services.distinguished.terms import TermsOutcome, review_terms
from scoring.models import Member
from tests.support.builders.distinguished import (
    PANEL,
    cast,
    credit,
    decide_at,
    nominate_now,
    outbox,
    person,
)
from tests.support.clock import FixedClock


def approve(runtime: Runtime, clock: FixedClock, *slack_ids: str) -> None:
    """Nominate and approve these people for Distinguished Engineer in the 2026 cycle."""
    for slack_id in slack_ids:
        nomination = nominate_now(runtime, slack_id).nomination
        for seat in PANEL[:3]:
            cast(runtime, nomination.id, seat, "approve")
    decide_at(runtime, clock)


def review(runtime: Runtime, clock: FixedClock, day: date) -> TermsOutcome:
    clock.set(datetime(day.year, day.month, day.day, 9, tzinfo=UTC))
    with runtime.uow() as uow:
        outcome = review_terms(uow, runtime.config, day, runtime.now())
        uow.commit()
    return outcome


def status(runtime: Runtime, member: Member) -> tuple[str, date | None, int]:
    with runtime.reader() as uow:
        found = uow.distinguished.membership(f"member:{member.id}", "engineer")
    assert found is not None
    return found.status, found.ends, found.renewed_count


def dms(runtime: Runtime, prefix: str) -> list[tuple[str, str, str]]:
    return sorted(
        (m.key, m.target, m.payload["text"]) for m in outbox(runtime) if m.key.startswith(prefix)
    )


def test_a_member_with_enough_points_in_the_track_is_renewed_and_one_without_expires(
    in_window: Runtime, clock: FixedClock
) -> None:
    alice = person(in_window, "U0ALICE", "Alice Martin")
    bob = person(in_window, "U0BOB", "Bob Stone")
    approve(in_window, clock, "U0ALICE", "U0BOB")
    credit(in_window, alice, "code", date(2027, 11, 30), 25)  # last day before the window
    credit(in_window, alice, "code", date(2027, 12, 1), 20)
    credit(in_window, alice, "review", date(2028, 11, 30), 20)
    credit(in_window, bob, "code", date(2028, 6, 1), 20)
    credit(in_window, bob, "talk", date(2028, 6, 2), 50)  # not an engineering type

    outcome = review(in_window, clock, date(2028, 12, 1))
    assert (outcome.renewed, outcome.expired, outcome.lifetime) == (1, 1, 0)
    assert status(in_window, alice) == ("active", date(2030, 12, 1), 1)
    assert status(in_window, bob) == ("expired", date(2028, 12, 1), 0)
    with in_window.reader() as uow:
        members = uow.distinguished.memberships(active_on=date(2028, 12, 1))
    assert [m.name for m in members] == ["Alice Martin"]
    [(key, target, text)] = dms(in_window, "dc:expired:")
    assert key.endswith(":2028-12-01") and target == "U0BOB"
    assert "20 points in the track over the last 12 months, 40 were needed" in text
    [(_, target, text)] = dms(in_window, "dc:renewed:")
    assert target == "U0ALICE" and "renewed until 1 December 2030" in text

    again = review(in_window, clock, date(2028, 12, 2))
    assert (again.renewed, again.expired, again.outbox_keys) == (0, 0, ())


def test_four_consecutive_years_make_a_lifetime_member_who_never_expires(
    in_window: Runtime, clock: FixedClock
) -> None:
    alice = person(in_window, "U0ALICE", "Alice Martin")
    approve(in_window, clock, "U0ALICE")
    credit(in_window, alice, "code", date(2028, 5, 1), 40)
    assert review(in_window, clock, date(2028, 12, 1)).renewed == 1
    # No points at all in the second term: four consecutive years are enough.
    outcome = review(in_window, clock, date(2030, 12, 1))
    assert outcome.lifetime == 1
    assert status(in_window, alice) == ("lifetime", None, 1)
    [(_, target, text)] = dms(in_window, "dc:lifetime:")
    assert target == "U0ALICE" and "4 consecutive years" in text
    review(in_window, clock, date(2035, 12, 1))
    with in_window.reader() as uow:
        later = uow.distinguished.memberships(active_on=date(2040, 1, 1))
    assert [(m.name, m.lifetime, m.ends) for m in later] == [("Alice Martin", True, None)]


def test_a_reminder_goes_out_once_three_months_before_the_end_with_the_points_so_far(
    in_window: Runtime, clock: FixedClock
) -> None:
    alice = person(in_window, "U0ALICE", "Alice Martin")
    approve(in_window, clock, "U0ALICE")
    credit(in_window, alice, "docs", date(2028, 3, 1), 12)

    assert review(in_window, clock, date(2028, 8, 31)).reminded == 0
    first = review(in_window, clock, date(2028, 9, 1))
    assert first.reminded == 1
    [(key, target, text)] = dms(in_window, "dc:reminder:")
    assert key.endswith(":2028-12-01") and target == "U0ALICE"
    assert text == (
        "Your Distinguished Engineer term ends on 1 December 2028. To renew it, 40 points in "
        "the track are needed over the 12 months before that day; you have 12 so far."
    )
    assert review(in_window, clock, date(2028, 9, 2)).reminded == 0
    assert review(in_window, clock, date(2028, 11, 30)).reminded == 0
    assert len(dms(in_window, "dc:reminder:")) == 1

    # Renewed: the next term's end gets its own reminder, once.
    credit(in_window, alice, "code", date(2028, 10, 1), 30)
    review(in_window, clock, date(2028, 12, 1))
    assert review(in_window, clock, date(2030, 9, 1)).reminded == 1
    assert review(in_window, clock, date(2030, 9, 2)).reminded == 0
    assert [key.rsplit(":", 1)[1] for key, _, _ in dms(in_window, "dc:reminder:")] == [
        "2028-12-01",
        "2030-12-01",
    ]


def test_a_day_missed_by_the_job_is_caught_up_on_the_next_run(
    in_window: Runtime, clock: FixedClock
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    approve(in_window, clock, "U0ALICE")
    outcome = review(in_window, clock, date(2028, 12, 5))
    assert outcome.expired == 1
