"""The ledger's and partner standing's use cases on the in-memory unit of work: no
database, each test a few milliseconds. (``tests/integration/test_unit_of_work_contract.py``
keeps the fake honest against the SQL unit of work.)"""

from __future__ import annotations

import copy
from datetime import UTC, datetime

import pytest

from bot.config import ProgrammeConfig, parse_config
from bot.errors import InvalidInput, NotFound
from bot.services.ledger.credits import record_credit, withdraw_credit
from bot.services.ledger.members import ensure_member
from bot.services.partners.standing import run_standing
from scoring.models import Identity, IdentityKind
from storage.memory import InMemoryUnitOfWork
from tests.support.builders.partners import partner_rules
from tests.support.config import BASE_CONFIG
from tests.support.months import AUG, NOV, OCT, SEP
from tests.support.units import credit_email, in_memory

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def config() -> ProgrammeConfig:
    return parse_config(partner_rules(copy.deepcopy(BASE_CONFIG)), "test config")


@pytest.fixture
def uow(config: ProgrammeConfig) -> InMemoryUnitOfWork:
    return in_memory(config)


def _dms(uow: InMemoryUnitOfWork, key_start: str) -> dict[str, str]:
    """The private messages whose outbox key starts with ``key_start``: recipient -> text."""
    return {
        m.target: m.payload["text"]
        for m in uow.outbox.list(limit=1000)
        if m.key.startswith(key_start) and m.kind == "dm"
    }


def test_a_credit_from_a_company_address_counts_for_that_company(
    uow: InMemoryUnitOfWork, config: ProgrammeConfig
) -> None:
    with uow:
        credit = credit_email(uow, config, "ann@acme.example", OCT, 7)
        uow.commit()
    assert credit is not None
    assert (credit.points, credit.organisation) == (7, "acme")
    with uow:
        member = uow.members.find(Identity(IdentityKind.EMAIL, "ANN@acme.example"))
    assert member is not None and member.name == "ann"


def test_a_gmail_user_gets_the_types_points_and_counts_for_no_organisation(
    uow: InMemoryUnitOfWork, config: ProgrammeConfig
) -> None:
    when = datetime(2026, 10, 3, 12, tzinfo=UTC)
    with uow:
        member, created = ensure_member(
            uow, config, [Identity(IdentityKind.EMAIL, "dmitri@gmail.com")], "Dmitri", when
        )
        credit = record_credit(uow, config, member, "code", when, "test", "pr-1", when)
        uow.commit()
    assert created
    assert credit is not None
    assert (credit.points, credit.organisation) == (5, None)


def test_the_same_contribution_recorded_twice_is_credited_once(
    uow: InMemoryUnitOfWork, config: ProgrammeConfig
) -> None:
    with uow:
        first = credit_email(uow, config, "ann@acme.example", OCT, 7)
        again = credit_email(uow, config, "ann@acme.example", OCT, 7)
        uow.commit()
    assert first is not None and again is None
    with uow:
        assert uow.monthly.organisation_points_in(["2026-10"]) == {"2026-10": {"acme": 7}}


def test_a_withdrawn_credit_no_longer_counts_for_its_organisation(
    uow: InMemoryUnitOfWork, config: ProgrammeConfig
) -> None:
    with uow:
        credit_email(uow, config, "ann@acme.example", OCT, 7)
        credit_email(uow, config, "ann@acme.example", OCT, 3, day=11)
        withdrawn = withdraw_credit(
            uow, "test", "ann@acme.example:2026-10:10:7", NOW, "U01LEAD", "a mistake"
        )
        again = withdraw_credit(
            uow, "test", "ann@acme.example:2026-10:10:7", NOW, "U01LEAD", "twice"
        )
        uow.commit()
    assert withdrawn is not None and withdrawn.withdrawn
    assert again is None
    with uow:
        assert uow.monthly.organisation_points_in(["2026-10"]) == {"2026-10": {"acme": 3}}


def test_bad_points_and_unknown_organisations_are_refused_and_nothing_is_kept(
    uow: InMemoryUnitOfWork, config: ProgrammeConfig
) -> None:
    when = datetime(2026, 10, 3, 12, tzinfo=UTC)
    with uow:
        member, _ = ensure_member(uow, config, [Identity(IdentityKind.SLACK, "U0ANN")], "Ann", when)
        with pytest.raises(InvalidInput, match="points must be from 1"):
            record_credit(uow, config, member, "code", when, "test", "a", when, points=0)
        with pytest.raises(NotFound, match="no organisation with slug 'nope'"):
            record_credit(uow, config, member, "code", when, "test", "b", when, organisation="nope")
        # left without commit: the member is gone too
    with uow:
        assert uow.members.find(Identity(IdentityKind.SLACK, "U0ANN")) is None


def test_a_partner_short_of_points_drops_to_level_one_and_only_its_contacts_hear_of_it(
    uow: InMemoryUnitOfWork, config: ProgrammeConfig
) -> None:
    with uow:
        for month in (AUG, SEP):
            credit_email(uow, config, "ann@acme.example", month, 10)
            credit_email(uow, config, "bea@beta.example", month, 5)
        credit_email(uow, config, "ann@acme.example", OCT, 4)
        credit_email(uow, config, "bea@beta.example", OCT, 5)
        run = run_standing(uow, config, OCT, NOW)
        uow.commit()
    levels = {r.organisation.slug: r.change.step.level for r in run.results}
    assert levels == {"acme": 1, "beta": 0}
    with uow:
        assert uow.standing.latest("acme") is not None
        warnings = _dms(uow, "standing:acme:")
        assert set(warnings) == {"U01ACME", "U02ACME"}
        assert "2026-10 had 4 points of the 10 needed (6 short)" in warnings["U01ACME"]
        assert _dms(uow, "standing:beta:") == {}
        assert not [m for m in uow.outbox.list(limit=1000) if m.kind == "post"]


def test_evaluating_a_month_again_changes_nothing_and_sends_nothing_new(
    uow: InMemoryUnitOfWork, config: ProgrammeConfig
) -> None:
    with uow:
        credit_email(uow, config, "ann@acme.example", NOV, 1)
        run_standing(uow, config, NOV, NOW)
        uow.commit()
    with uow:
        sent = len(uow.outbox.list(limit=1000))
        again = run_standing(uow, config, NOV, NOW)
        uow.commit()
    assert again.outbox_keys == ()
    assert again.summary == "standing for 2026-11: already evaluated, nothing new"
    with uow:
        assert len(uow.outbox.list(limit=1000)) == sent
