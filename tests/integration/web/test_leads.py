"""Referrals: ``creditbot lead add`` rotates fairly, skips paused partners, tells the
chosen partner privately, and the public report counts per quarter."""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from typing import Any

from bot.runtime import Runtime
from bot.services.partners.leads import add_lead, lead_counts, lead_request
from tests.integration.web.community import NOW


def chosen(out: str) -> str:
    """The slug in ``lead N: ... -> Name (slug)``."""
    line = next(line for line in out.splitlines() if line.startswith("lead "))
    return line.rsplit("(", 1)[1].rstrip(")")


def give(runtime: Runtime, region: str, category: str, hours: int) -> str:
    """A lead given ``hours`` after the community's clock; the chosen partner's slug."""
    with runtime.uow() as uow:
        result = add_lead(
            uow, runtime.config, lead_request(region, category, None), NOW + timedelta(hours=hours)
        )
        uow.commit()
    return result.assignment.chosen.slug


def test_leads_rotate_fairly_and_a_paused_partner_is_skipped(community: Runtime) -> None:
    # Hosting in Europe: Acme (never had a lead), Gamma (global; a lead on 15 October) and
    # Delta (referrals paused); Epsilon is no longer listed, Beta does not host.
    picks = [give(community, "Europe", "hosting", hours) for hours in range(1, 6)]
    assert picks == ["acme", "gamma", "acme", "gamma", "acme"]
    # Gamma was next for hosting, but a development lead (only Gamma develops, anywhere)
    # counts as its turn: the wait is since a partner's last lead of any kind.
    assert give(community, "Asia", "Development", 10) == "gamma"
    assert give(community, "Europe", "Hosting", 11) == "acme"
    assert give(community, "Europe", "Hosting", 12) == "gamma"


def test_lead_add_says_why_it_chose_that_partner(
    cli: Callable[..., Any], community: Runtime
) -> None:
    result = cli("lead", "add", "--region", "europe", "--category", "Hosting", "--size", "large")
    assert result.code == 0, result.err
    assert chosen(result.out) == "acme"
    assert "Acme Learning (acme) serves europe and Hosting, and has never had a lead." in result.out
    assert "Waited longest of 2 who could take it (Gamma Hosting: 2026-10-15)." in result.out
    assert "Not eligible: Beta Pedagogy (does not offer Hosting)" in result.out
    assert "Delta Services (referrals paused)" in result.out
    assert "Epsilon Systems (not listed)" in result.out
    assert "Zeta Learning (no profile)" in result.out


def test_the_chosen_partners_contacts_are_told_privately(
    cli: Callable[..., Any], community: Runtime
) -> None:
    result = cli(
        "lead",
        "add",
        "--region",
        "Africa",
        "--category",
        "Instructional design",
        "--note",
        "Contact: Ms Ada, ada@school.example",
    )
    assert result.code == 0, result.err
    assert chosen(result.out) == "beta"
    assert "not delivered yet" in result.err  # no Slack token here: it waits in the outbox
    with community.reader() as uow:
        messages = [m for m in uow.outbox.list(limit=50) if m.key.startswith("lead:")]
    assert [(m.channel, m.kind, m.target) for m in messages] == [("slack", "dm", "U01BETA")]
    text = messages[0].payload["text"]
    assert "*Instructional design* in *Africa*" in text
    assert "Contact: Ms Ada, ada@school.example" in text
    assert "Gamma" not in text and "paused" not in text


def test_a_lead_nobody_can_take_is_refused_and_not_stored(
    cli: Callable[..., Any], community: Runtime
) -> None:
    result = cli("lead", "add", "--region", "Asia", "--category", "Instructional design")
    assert result.code == 1
    assert result.err.startswith(
        "creditbot: no partner can take a lead for Instructional design in Asia: "
    )
    assert "Beta Pedagogy (does not serve Asia)" in result.err
    with community.reader() as uow:
        assert len(uow.leads.all()) == 1  # Gamma's, from before
    assert cli("lead", "add", "--region", " ", "--category", "x").code == 1


def test_leads_are_counted_per_quarter_region_and_partner(community: Runtime) -> None:
    config = community.config
    with community.uow() as uow:
        for days, region in ((1, "Europe"), (2, "Africa"), (70, "Europe")):
            request = lead_request(region, "Development" if region == "Europe" else "Hosting", None)
            add_lead(uow, config, request, NOW + timedelta(days=days))
        uow.commit()
    with community.reader() as uow:
        quarters = lead_counts(uow, config)
    assert [(q.quarter, q.total) for q in quarters] == [("2027-Q1", 1), ("2026-Q4", 3)]
    q4 = quarters[1]
    assert q4.by_region == (("Europe", 2), ("Africa", 1))
    assert q4.by_partner == (("Gamma Hosting", 3),)
