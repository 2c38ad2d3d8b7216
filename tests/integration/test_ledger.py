from __future__ import annotations

import threading
from datetime import UTC, date, datetime

from bot.runtime import Runtime
from bot.services.ledger.credits import record_credit
from bot.services.ledger.members import ensure_member, set_affiliation
from bot.services.ledger.reports import monthly_report, report_to_json
from scoring.models import Identity, IdentityKind
from scoring.months import Month


def _member(runtime: Runtime, email: str, slack: str | None = None) -> int:
    identities = [Identity(IdentityKind.EMAIL, email)]
    if slack:
        identities.append(Identity(IdentityKind.SLACK, slack))
    with runtime.uow() as uow:
        member, _ = ensure_member(
            uow, runtime.config, identities, email.split("@")[0], runtime.now()
        )
        uow.commit()
    return member.id


def _credit(
    runtime: Runtime, member_id: int, when: datetime, ref: str, points: int | None = None
) -> None:
    with runtime.uow() as uow:
        member = uow.members.get(member_id)
        assert member is not None
        record_credit(
            uow, runtime.config, member, "code", when, "test", ref, runtime.now(), points=points
        )
        uow.commit()


def test_a_repeated_source_reference_is_a_no_op(runtime: Runtime) -> None:
    alice = _member(runtime, "alice@acme.example")
    _credit(runtime, alice, datetime(2026, 10, 3, tzinfo=UTC), "pr-1")
    _credit(runtime, alice, datetime(2026, 10, 3, tzinfo=UTC), "pr-1")
    with runtime.reader() as uow:
        report = monthly_report(uow, runtime.config, Month(2026, 10))
    assert [(m.name, m.points, m.credits) for m in report.members] == [("alice", 5, 1)]


def test_a_member_is_affiliated_by_e_mail_domain_but_not_through_gmail(runtime: Runtime) -> None:
    alice = _member(runtime, "alice@acme.example")
    ines = _member(runtime, "ines@gmail.com")
    with runtime.reader() as uow:
        assert uow.members.organisation_on(alice, date(2026, 1, 1)) == "acme"
        assert uow.members.organisation_on(ines, date(2026, 1, 1)) is None


def test_moving_organisation_keeps_earlier_credits_with_the_old_one(runtime: Runtime) -> None:
    carol = _member(runtime, "carol@acme.example")
    _credit(runtime, carol, datetime(2026, 9, 20, tzinfo=UTC), "sept")
    _credit(runtime, carol, datetime(2026, 10, 5, tzinfo=UTC), "oct")
    with runtime.uow() as uow:
        changed = set_affiliation(
            uow, runtime.config, carol, "beta", date(2026, 10, 1), runtime.now(), "test"
        )
        uow.commit()
    assert changed == 1
    with runtime.reader() as uow:
        october = report_to_json(monthly_report(uow, runtime.config, Month(2026, 10)))
    assert [(o["slug"], o["points"], o["previous_points"]) for o in october["organisations"]] == [
        ("beta", 5, 0),
        ("acme", 0, 5),
    ]


def test_withdrawn_credits_stay_on_record_but_no_longer_count(runtime: Runtime) -> None:
    alice = _member(runtime, "alice@acme.example")
    _credit(runtime, alice, datetime(2026, 10, 3, tzinfo=UTC), "pr-9")
    with runtime.uow() as uow:
        assert uow.credits.withdraw("test", "pr-9", runtime.now(), "U01LEAD", "mistake") is not None
        assert uow.credits.withdraw("test", "pr-9", runtime.now(), "U01LEAD", "again") is None
        uow.commit()
    with runtime.reader() as uow:
        everything = uow.credits.for_member(alice, include_withdrawn=True)
        report = monthly_report(uow, runtime.config, Month(2026, 10))
    assert len(everything) == 1 and everything[0].withdrawn
    assert report.members == ()


def test_new_contributors_and_new_members_are_counted_in_their_first_month(
    runtime: Runtime,
) -> None:
    old = _member(runtime, "old@acme.example")
    new = _member(runtime, "new@beta.example")
    lurker = _member(runtime, "lurker@gmail.com")
    with runtime.uow() as uow:
        uow.members.seen(old, datetime(2026, 8, 1, tzinfo=UTC))
        uow.members.seen(lurker, datetime(2026, 10, 9, tzinfo=UTC))
        uow.commit()
    _credit(runtime, old, datetime(2026, 9, 1, tzinfo=UTC), "a")
    _credit(runtime, old, datetime(2026, 10, 1, tzinfo=UTC), "b")
    _credit(runtime, new, datetime(2026, 10, 30, tzinfo=UTC), "c")
    with runtime.reader() as uow:
        report = monthly_report(uow, runtime.config, Month(2026, 10))
    assert report.new_contributors == 1
    assert report.new_members == 2  # "new" (first seen with their credit) and "lurker"


def test_concurrent_writers_never_see_database_is_locked(runtime: Runtime) -> None:
    members = [_member(runtime, f"w{i}@acme.example") for i in range(4)]
    errors: list[BaseException] = []

    def write(member_id: int) -> None:
        try:
            for n in range(25):
                _credit(
                    runtime, member_id, datetime(2026, 10, 1 + n, tzinfo=UTC), f"{member_id}-{n}"
                )
        except BaseException as error:  # pragma: no cover - the assertion shows it
            errors.append(error)

    threads = [threading.Thread(target=write, args=(m,)) for m in members]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with runtime.reader() as uow:
        report = monthly_report(uow, runtime.config, Month(2026, 10))
    assert sum(m.credits for m in report.members) == 100
