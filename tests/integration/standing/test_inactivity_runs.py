"""Nudges to quiet members, welcome backs, and decline alerts, through the outbox."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from bot.services.partners.inactivity import InactivityRun, run_inactivity
from scoring.models import Identity, IdentityKind
from storage.tables import ActivityRow
from tests.support.builders.partners import credit, outbox
from tests.support.months import AUG, JUL, OCT, SEP

AT = datetime(2026, 11, 1, 10, tzinfo=UTC)


def person(runtime: Runtime, slack: str, name: str, *, opted_out: bool = False) -> int:
    with runtime.uow() as uow:
        member, _ = ensure_member(
            uow, runtime.config, [Identity(IdentityKind.SLACK, slack)], name, AT
        )
        if opted_out:
            uow.members.set_flags(member.id, nudges_opted_out=True)
        uow.commit()
    return member.id


def active(runtime: Runtime, member_id: int, *days_ago: int) -> None:
    with runtime.uow() as uow:
        for n in days_ago:
            day = AT.date() - timedelta(days=n)
            uow.session.add(
                ActivityRow(
                    member_id=member_id,
                    day=day,
                    kind="message",
                    count=1,
                    last_at=datetime.combine(day, datetime.min.time(), tzinfo=UTC),
                )
            )
        uow.commit()


def run(runtime: Runtime, at: datetime = AT) -> InactivityRun:
    with runtime.uow() as uow:
        result = run_inactivity(uow, runtime.config, at, runtime.now())
        uow.commit()
    return result


def test_a_member_quiet_for_sixty_days_gets_one_friendly_nudge(runtime: Runtime) -> None:
    quiet = person(runtime, "U0QUIET", "Quinn Quiet")
    busy = person(runtime, "U0BUSY", "Bo Busy")
    person(runtime, "U0NEVER", "Nev Never")
    active(runtime, quiet, 100, 60)
    active(runtime, busy, 40, 10, 3)
    result = run(runtime)
    assert (result.nudged, result.welcomed) == (1, 0)
    messages = outbox(runtime)
    assert [(m.kind, m.target, m.key) for m in messages] == [
        ("dm", "U0QUIET", f"inactivity:nudge:{quiet}:{date(2026, 9, 2)}")
    ]
    text = messages[0].payload["text"]
    assert text.startswith("Hi Quinn!")
    assert "/credit quiet" in text
    # The next day's run finds the nudge already sent for this quiet spell.
    assert run(runtime, AT + timedelta(days=1)).outbox_keys == ()
    assert len(outbox(runtime)) == 1


def test_a_member_who_opted_out_is_never_nudged(runtime: Runtime) -> None:
    quiet = person(runtime, "U0QUIET", "Quinn Quiet", opted_out=True)
    active(runtime, quiet, 90)
    assert run(runtime).outbox_keys == ()


def test_the_cooldown_keeps_a_second_spell_from_a_second_nudge_too_soon(runtime: Runtime) -> None:
    quiet = person(runtime, "U0QUIET", "Quinn Quiet")
    active(runtime, quiet, 200)
    assert run(runtime, AT - timedelta(days=100)).nudged == 1
    active(runtime, quiet, 99)  # back for a day, quiet again since
    assert run(runtime, AT - timedelta(days=30)).nudged == 0  # 70 days after the nudge
    assert run(runtime).nudged == 1  # 100 days after it


def test_a_member_returning_after_a_long_gap_is_welcomed_back_once(runtime: Runtime) -> None:
    back = person(runtime, "U0BACK", "Rae Back")
    active(runtime, back, 150, 2)
    result = run(runtime)
    assert result.welcomed == 1
    welcome = next(m for m in outbox(runtime) if m.key.startswith("inactivity:welcome:"))
    assert welcome.target == "U0BACK"
    assert "Welcome back, Rae!" in welcome.payload["text"]
    assert "148 days" in welcome.payload["text"]
    assert run(runtime, AT + timedelta(days=1)).welcomed == 0


def test_an_organisation_falling_by_half_raises_a_private_alert_to_managers(
    runtime: Runtime,
) -> None:
    for month in (JUL, AUG, SEP):
        credit(runtime, "ann@acme.example", month, 12)
        credit(runtime, "bea@beta.example", month, 6)
    credit(runtime, "ann@acme.example", OCT, 6)
    credit(runtime, "bea@beta.example", OCT, 5)
    result = run(runtime)
    assert [d.slug for d in result.declines] == ["acme"]
    alerts = [m for m in outbox(runtime) if m.key.startswith("inactivity:decline:")]
    assert [(m.target, m.key) for m in alerts] == [
        ("U01PM", "inactivity:decline:acme:2026-10:dm:U01PM")
    ]
    assert (
        "Acme Learning (acme) had 6 points in October 2026, down 50%" in alerts[0].payload["text"]
    )
    assert run(runtime, AT + timedelta(days=1)).outbox_keys == ()
