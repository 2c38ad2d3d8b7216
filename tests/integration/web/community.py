"""A small partner community for the public-pages tests, with private records planted
in it (conduct notes, warnings, e-mail addresses, payments, lead notes) that no public
page or JSON may ever show.

Clock: 1 November 2026, so the directory ranks by October 2026.

| partner | October points | standing | profile |
|---|---|---|---|
| acme | 30 (Ann 20, Kofi 10, who opted out) | listed, good | Hosting; Europe; English |
| gamma | 25 | never evaluated: listed | Hosting, Development; Global; German |
| beta | 20 | level 1 (warned, still listed) | Instructional design; Europe, Africa; French |
| delta | 10 | level 2: listed, referrals paused | Hosting; Europe; English |
| epsilon | 40 | level 3: removed from the list | Hosting; Europe; English |
| zeta | 0 | listed, no profile | none |
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bot.runtime import Runtime
from bot.services.ledger.conduct import add_conduct_record
from bot.services.ledger.credits import record_credit
from bot.services.ledger.members import ensure_member
from bot.services.partners.finance import add_payment
from bot.services.partners.profiles import parse_profile, set_profile
from scoring.models import Identity, IdentityKind
from scoring.months import Month
from storage.repositories.standing import StoredStanding
from storage.repositories.tiers import StoredTier, TierRepository

AUG, SEP, OCT = Month(2026, 8), Month(2026, 9), Month(2026, 10)
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)
LEAD_AT = datetime(2026, 10, 15, 9, 0, tzinfo=UTC)  # Gamma's earlier lead

PRIVATE = {
    "conduct_org": "PRIVATE-CONDUCT-ORG-4417 shouted at a newcomer",
    "conduct_member": "PRIVATE-CONDUCT-MEMBER-2208 insulted a reviewer",
    "reason": "financial: 2026-10 had $0.00 PRIVATE-REASON-9913",
    "payment_note": "PRIVATE-PAYMENT-NOTE-5120",
    "payment_amount": "98765.43",
    "lead_note": "PRIVATE-LEAD-NOTE principal@school.example",
}
EMAILS = (
    "ann@acme.example",
    "kofi@acme.example",
    "gus@gamma.example",
    "bea@beta.example",
    "dan@delta.example",
    "eve@epsilon.example",
    "ivy@gmail.com",
)
SLACK_IDS = ("U0ANN", "U0KOFI", "U0GUS", "U01ACME", "U01BETA", "U01GAMMA", "U01DELTA")

PROFILES: dict[str, dict[str, Any]] = {
    "acme": {
        "services": ["Hosting"],
        "regions": ["Europe"],
        "languages": ["English"],
        "description": "Acme hosts learning platforms.",
        "website": "https://acme.example",
        "links": [{"title": "Case studies", "url": "https://acme.example/cases"}],
    },
    "gamma": {
        "services": ["Hosting", "Development"],
        "regions": ["Global"],
        "languages": ["German"],
        "description": "Gamma runs data centres.",
    },
    "beta": {
        "services": ["Instructional design"],
        "regions": ["Europe", "Africa"],
        "languages": ["French"],
        "description": "Beta designs courses.",
    },
    "delta": {"services": ["Hosting"], "regions": ["Europe"], "languages": ["English"]},
    "epsilon": {
        "services": ["Hosting"],
        "regions": ["Europe"],
        "languages": ["English"],
        "description": "Epsilon was removed from the list.",
    },
}


def partner(slug: str, name: str, contact: str, **extra: Any) -> dict[str, Any]:
    return {
        "slug": slug,
        "name": name,
        "domains": [f"{slug}.example"],
        "country": "US",
        "employees": 40,
        "partner": True,
        "contacts": [contact],
        **extra,
    }


def community_config(config_data: dict[str, Any]) -> dict[str, Any]:
    """Six partners (acme and beta from the base configuration) and the staff team."""
    config_data["organisations"][0]["partner_since"] = "2025-03-01"
    config_data["organisations"] += [
        partner("gamma", "Gamma Hosting", "U01GAMMA"),
        partner("delta", "Delta Services", "U01DELTA"),
        partner("epsilon", "Epsilon Systems", "U01EPS"),
        partner("zeta", "Zeta Learning", "U01ZETA"),
    ]
    config_data["web"] = {"community_name": "Testland"}
    return config_data


def credit(
    runtime: Runtime,
    email: str,
    name: str,
    month: Month,
    points: int,
    *,
    type: str = "code",
    slack: str | None = None,
    day: int = 10,
) -> None:
    when = datetime(month.year, month.month, day, 12, tzinfo=UTC)
    identities = [Identity(IdentityKind.EMAIL, email)]
    if slack:
        identities.append(Identity(IdentityKind.SLACK, slack))
    with runtime.uow() as uow:
        member, _ = ensure_member(uow, runtime.config, identities, name, when)
        record_credit(
            uow,
            runtime.config,
            member,
            type,
            when,
            "test",
            f"{email}:{month}:{day}:{type}:{points}",
            when,
            points=points,
            note=f"work by {email}",
        )
        uow.commit()


def step(runtime: Runtime, slug: str, month: Month, level: int, reasons: tuple[str, ...]) -> None:
    with runtime.uow() as uow:
        uow.standing.record(
            StoredStanding(
                slug=slug,
                month=month,
                good_standing=level == 0,
                level=level,
                reasons=reasons,
                referrals_paused=level >= 2,
                listed=level < 3,
                evaluated_at=NOW,
                details={"note": PRIVATE["reason"]},
            )
        )
        uow.commit()


def build_community(runtime: Runtime) -> None:
    """Credits, standing, profiles, an opted-out member and the private records."""
    credit(runtime, "ann@acme.example", "Ann Archer", OCT, 20, slack="U0ANN")
    credit(runtime, "kofi@acme.example", "Kofi Mensah", OCT, 10, type="review", slack="U0KOFI")
    credit(runtime, "ann@acme.example", "Ann Archer", SEP, 6, type="talk")
    credit(runtime, "ann@acme.example", "Ann Archer", AUG, 4, type="docs")
    credit(runtime, "gus@gamma.example", "Gus Grant", OCT, 25, slack="U0GUS")
    credit(runtime, "bea@beta.example", "Bea Bauer", OCT, 20)
    credit(runtime, "dan@delta.example", "Dan Dorn", OCT, 10)
    credit(runtime, "eve@epsilon.example", "Eve Egan", OCT, 40)
    credit(runtime, "ivy@gmail.com", "Ivy Independent", OCT, 3, type="support")

    step(runtime, "acme", OCT, 0, ())
    step(runtime, "beta", OCT, 1, (PRIVATE["reason"],))
    step(runtime, "delta", SEP, 1, (PRIVATE["reason"],))
    step(runtime, "delta", OCT, 2, (PRIVATE["reason"],))
    step(runtime, "epsilon", SEP, 2, (PRIVATE["reason"],))
    step(runtime, "epsilon", OCT, 3, (PRIVATE["reason"],))
    with runtime.uow() as uow:  # the tiers of the last half-yearly review
        tiers = TierRepository(uow.session)
        tiers.record(StoredTier("acme", "2026-07", "Silver", ("engineering", "marketing"), NOW))
        tiers.record(StoredTier("gamma", "2026-07", "Bronze", ("engineering",), NOW))
        uow.commit()

    with runtime.uow() as uow:
        for slug, data in PROFILES.items():
            set_profile(uow, slug, parse_profile(data, slug), "U01PM", NOW)
        kofi = uow.members.find(Identity(IdentityKind.SLACK, "U0KOFI"))
        assert kofi is not None
        uow.members.set_flags(kofi.id, show_publicly=False)
        add_conduct_record(uow, date(2026, 10, 3), PRIVATE["conduct_org"], NOW, organisation="beta")
        add_conduct_record(
            uow, date(2026, 10, 4), PRIVATE["conduct_member"], NOW, member="dan@delta.example"
        )
        add_payment(
            uow,
            runtime.config,
            "acme",
            date(2026, 10, 2),
            Decimal(PRIVATE["payment_amount"]),
            "USD",
            NOW,
            note=PRIVATE["payment_note"],
        )
        uow.leads.add(
            "gamma", "Europe", "Hosting", "large", PRIVATE["lead_note"], "because", "U01PM", LEAD_AT
        )
        uow.commit()
