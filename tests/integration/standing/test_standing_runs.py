"""Evaluating partners month by month: steps recorded, messages queued to the right people."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.runtime import Runtime
from bot.services.ledger.conduct import add_conduct_record
from scoring.errors import LadderOutOfOrder
from tests.support.builders.partners import credit, evaluate, meet, outbox, outbox_count
from tests.support.months import AUG, DEC, JAN, JUL, NOV, OCT, SEP


def _dm_targets(runtime: Runtime, prefix: str) -> set[str]:
    return {m.target for m in outbox(runtime) if m.key.startswith(prefix) and m.kind == "dm"}


def test_partners_meeting_their_minimums_get_no_message_but_managers_get_a_summary(
    runtime: Runtime,
) -> None:
    meet(runtime, AUG, SEP, OCT)
    run = evaluate(runtime, OCT)
    assert all(r.change.step.level == 0 for r in run.results)
    messages = outbox(runtime)
    assert [(m.target, m.key) for m in messages] == [("U01PM", "standing:summary:2026-10:dm:U01PM")]
    assert "In good standing (2 of 2): Acme Learning, Beta Pedagogy" in messages[0].payload["text"]


def test_a_partner_short_of_points_gets_a_private_warning_only_to_its_contacts(
    runtime: Runtime,
) -> None:
    meet(runtime, AUG, SEP)
    credit(runtime, "ann@acme.example", OCT, 4)
    credit(runtime, "bea@beta.example", OCT, 5)
    evaluate(runtime, OCT)
    assert _dm_targets(runtime, "standing:acme:") == {"U01ACME", "U02ACME"}
    assert _dm_targets(runtime, "standing:beta:") == set()
    warning = next(m for m in outbox(runtime) if m.key == "standing:acme:2026-10:dm:U01ACME")
    text = warning.payload["text"]
    assert "2026-10 had 4 points of the 10 needed (6 short)" in text
    assert "first month short, so this is a private warning" in text
    assert "How to fix it" in text and "at least 10 points every month" in text
    assert "What brings you back" in text and "if November 2026 does" in text
    # Nothing public at level 1.
    assert not [m for m in outbox(runtime) if m.kind == "post"]


def test_a_small_partner_is_held_to_its_points_per_employee(runtime: Runtime) -> None:
    meet(runtime, AUG, SEP)
    credit(runtime, "ann@acme.example", OCT, 10)
    credit(runtime, "bea@beta.example", OCT, 4)
    run = evaluate(runtime, OCT)
    beta = next(r for r in run.results if r.organisation.slug == "beta")
    assert beta.evaluation.reasons == ("practical: 2026-10 had 4 points of the 5 needed (1 short)",)
    assert _dm_targets(runtime, "standing:beta:") == {"U01BETA"}


def test_three_months_short_remove_the_partner_with_a_neutral_public_note(
    runtime: Runtime,
) -> None:
    meet(runtime, AUG, SEP, OCT)
    for month in (AUG, SEP, OCT):
        credit(runtime, "bea@beta.example", month, 5)
    # Acme's people stop in November: November, December and January fall short.
    with runtime.uow() as uow:
        record_id = add_conduct_record(
            uow,
            date(2026, 12, 3),
            "Harassed a speaker at the meetup",
            runtime.now(),
            member="ann@acme.example",
        )
        uow.commit()
    for month in (NOV, DEC, JAN):
        credit(runtime, "bea@beta.example", month, 5)
        evaluate(runtime, month)
    with runtime.reader() as uow:
        history = uow.standing.history("acme")
    assert [(str(s.month), s.level, s.referrals_paused, s.listed) for s in history] == [
        ("2026-11", 1, False, True),
        ("2026-12", 2, True, True),
        ("2027-01", 3, True, False),
    ]
    posts = [m for m in outbox(runtime) if m.kind == "post"]
    assert [(m.target, m.key) for m in posts] == [("C01NEWS", "standing:acme:2027-01:announcement")]
    public = posts[0].payload["text"]
    assert "Acme Learning" in public
    # Nothing private in the public note: no reason, amount, rule or conduct detail.
    reasons = history[-1].reasons
    assert reasons and all(r not in public for r in reasons)
    for private in (
        "point",
        "short",
        "$",
        "conduct",
        "practical",
        "financial",
        "Harassed",
        "meetup",
        "2027-01",
        "2026-12",
        str(record_id),
        "ann",
        "warning",
        "level",
    ):
        assert private.lower() not in public.lower()
    assert not re.search(r"\d", public)
    # The contacts were told privately at every step, with the conduct record but not its note.
    dm = next(m for m in outbox(runtime) if m.key == "standing:acme:2027-01:dm:U01ACME")
    assert "removed from the public partner list" in dm.payload["text"]
    assert "conduct: 1 code-of-conduct record" in dm.payload["text"]
    assert all("Harassed" not in m.payload["text"] for m in outbox(runtime))


def test_evaluating_a_month_again_sends_nothing_new(runtime: Runtime) -> None:
    meet(runtime, AUG, SEP)
    evaluate(runtime, OCT)
    before = outbox_count(runtime)
    assert before > 0
    again = evaluate(runtime, OCT)
    assert again.outbox_keys == ()
    assert "already evaluated" in again.summary
    assert outbox_count(runtime) == before


def test_a_month_before_the_last_evaluated_one_is_refused(runtime: Runtime) -> None:
    meet(runtime, AUG, SEP, OCT)
    evaluate(runtime, OCT)
    with pytest.raises(LadderOutOfOrder) as error:
        evaluate(runtime, SEP)
    assert "2026-09 comes before 2026-10" in str(error.value)
    with runtime.reader() as uow:
        assert uow.standing.get("acme", SEP) is None


def test_a_partner_back_in_good_standing_gets_a_private_welcome_back(runtime: Runtime) -> None:
    for month in (SEP, OCT, NOV, DEC, JAN):
        credit(runtime, "bea@beta.example", month, 5)
    credit(runtime, "ann@acme.example", DEC, 4)
    credit(runtime, "ann@acme.example", JAN, 10)
    for month in (SEP, OCT, NOV, DEC, JAN):
        evaluate(runtime, month)  # acme: short from September to December, good in January
    with runtime.reader() as uow:
        levels = [(str(s.month), s.level) for s in uow.standing.history("acme")]
    assert levels == [
        ("2026-09", 1),
        ("2026-10", 2),
        ("2026-11", 3),
        ("2026-12", 3),
        ("2027-01", 0),
    ]
    december = next(m for m in outbox(runtime) if m.key == "standing:acme:2026-12:dm:U01ACME")
    assert "another month short" in december.payload["text"]
    assert "2026-12 had 4 points of the 10 needed (6 short)" in december.payload["text"]
    welcome = next(m for m in outbox(runtime) if m.key == "standing:acme:2027-01:dm:U01ACME")
    text = welcome.payload["text"]
    assert "Welcome back, Acme Learning!" in text
    assert "listed as a partner again" in text and "referrals" in text.lower()
    # One public removal note, and one public note when it is listed again.
    posts = [m for m in outbox(runtime) if m.kind == "post"]
    assert [m.key for m in posts] == [
        "standing:acme:2026-11:announcement",
        "standing:acme:2027-01:announcement",
    ]
    assert "listed as a partner of the programme again" in posts[1].payload["text"]


def test_a_conduct_record_against_a_member_counts_for_the_organisation_of_that_day(
    runtime: Runtime,
) -> None:
    meet(runtime, AUG, SEP, OCT)
    with runtime.uow() as uow:
        add_conduct_record(
            uow, date(2026, 9, 20), "private words", runtime.now(), member="bea@beta.example"
        )
        uow.commit()
    run = evaluate(runtime, OCT)
    by_slug = {r.organisation.slug: r for r in run.results}
    assert by_slug["acme"].evaluation.good_standing
    assert by_slug["beta"].evaluation.reasons == (
        "conduct: 1 code-of-conduct record in the window (counts until the end of 2027-08)",
    )


def test_the_manager_summary_names_who_moved_and_who_declined(runtime: Runtime) -> None:
    for month in (JUL, AUG, SEP):
        credit(runtime, "ann@acme.example", month, 30)
        credit(runtime, "bea@beta.example", month, 5)
    credit(runtime, "ann@acme.example", OCT, 10)
    evaluate(runtime, OCT)
    summary = next(m for m in outbox(runtime) if m.key.startswith("standing:summary:"))
    text = summary.payload["text"]
    assert "In good standing (1 of 2): Acme Learning" in text
    assert "Beta Pedagogy (beta): level 0 → 1" in text
    assert "acme: 10 points in 2026-10 against 30 (down 67%)" in text
    assert "beta: 0 points in 2026-10 against 5 (down 100%)" in text


def test_the_directory_status_follows_the_last_evaluated_month(runtime: Runtime) -> None:
    from bot.services.partners.standing import partner_statuses

    for month in (AUG, SEP, OCT):
        credit(runtime, "bea@beta.example", month, 5)
        evaluate(runtime, month)
    with runtime.reader() as uow:
        statuses = {s.slug: s for s in partner_statuses(uow, runtime.config, OCT)}
    assert (statuses["acme"].listed, statuses["acme"].referrals_paused) == (False, True)
    assert (statuses["beta"].listed, statuses["beta"].referrals_paused) == (True, False)
    # No tier before a first half-yearly review.
    assert statuses["beta"].tier.name is None
