"""Affiliation by e-mail domain: the database finds the owners of an address's domain."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["organisations"] = [
        *config_data["organisations"],
        {"slug": "acme-eu", "name": "Acme Europe", "domains": ["EU.Acme.Example."]},
        {"slug": "tld", "name": "Owns a whole TLD", "domains": ["test"]},
        {"slug": "many", "name": "Many Domains", "domains": ["one.example", "two.example"]},
    ]
    return config_data


def _organisation_of(runtime: Runtime, email: str) -> str | None:
    with runtime.uow() as uow:
        member, _ = ensure_member(
            uow, runtime.config, [Identity(IdentityKind.EMAIL, email)], "someone", runtime.now()
        )
        uow.commit()
    with runtime.reader() as uow:
        return uow.members.organisation_on(member.id, date(2030, 1, 1))


@pytest.mark.parametrize(
    ("email", "organisation"),
    [
        ("ada@acme.example", "acme"),
        ("ada@shop.acme.example", "acme"),
        ("ada@eu.acme.example", "acme-eu"),  # the longest owned domain wins
        ("ada@lab.EU.acme.example", "acme-eu"),
        ("ada@notacme.example", None),  # a domain is matched label by label
        ("ada@two.example", "many"),
        ("ada@anything.test", "tld"),
        ("ada@gmail.com", None),
        ("ada@nowhere.example", None),
    ],
)
def test_a_member_joins_the_organisation_owning_their_address_or_its_parent_domain(
    runtime: Runtime, email: str, organisation: str | None
) -> None:
    assert _organisation_of(runtime, email) == organisation


def test_the_database_returns_only_the_owners_of_the_domains_asked_about(
    runtime: Runtime,
) -> None:
    with runtime.reader() as uow:
        owners = uow.organisations.domain_owners(["eu.acme.example", "acme.example", "example"])
        every = uow.organisations.domain_owners()
        assert uow.organisations.domain_owners([]) == []
    assert sorted(o.slug for o in owners) == ["acme", "acme-eu"]
    assert {"acme", "acme-eu", "beta", "many", "tld"} <= {o.slug for o in every}
