"""Referrals: give a lead to a partner by fair rotation, tell its contacts privately.

The rotation is :mod:`scoring.referrals`: listed partners whose referrals are not
paused, serving the lead's region and category (from their reviewed profile); the one
that waited longest since its last lead first, equal waits by tier. The lead and the
private messages to the partner's ``contacts`` are written in one transaction
(outbox keys ``lead:<id>:dm:<user>``). The public sees only counts per quarter.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.services.partners.directory import last_month, tier_level
from bot.services.partners.profiles import stored_profile
from bot.services.partners.standing import partner_statuses
from scoring.months import month_of
from scoring.records import Lead
from scoring.referrals import (
    Assignment,
    Candidate,
    LeadRequest,
    QuarterCounts,
    assign_lead,
    count_leads,
)
from storage.uow import UnitOfWork

FIELD_MAX_CHARS = 60
NOTE_MAX_CHARS = 2000


@dataclass(frozen=True)
class LeadResult:
    lead: Lead
    assignment: Assignment
    explanation: str
    contacts: tuple[str, ...]
    outbox_keys: tuple[str, ...]


def _clean(value: str | None, what: str, *, required: bool) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise InvalidInput(f"--{what}: give a {what}, e.g. --{what} Europe")
        return None
    if len(text) > FIELD_MAX_CHARS:
        raise InvalidInput(f"--{what}: at most {FIELD_MAX_CHARS} characters")
    return text


def lead_request(region: str, category: str, size: str | None) -> LeadRequest:
    """A checked lead request (one-line :class:`InvalidInput` otherwise)."""
    return LeadRequest(
        region=_clean(region, "region", required=True) or "",
        category=_clean(category, "category", required=True) or "",
        size=_clean(size, "size", required=False),
    )


def candidates(uow: UnitOfWork, config: ProgrammeConfig, now: datetime) -> list[Candidate]:
    """Every partner as the rotation sees it now."""
    last_given = uow.leads.last_given()
    out: list[Candidate] = []
    for status in partner_statuses(uow, config, last_month(now, config.tz)):
        profile = stored_profile(uow, status.slug)
        out.append(
            Candidate(
                slug=status.slug,
                name=status.name,
                listed=status.listed,
                referrals_paused=status.referrals_paused,
                regions=tuple(profile.regions) if profile else (),
                services=tuple(profile.services) if profile else (),
                tier_level=tier_level(config, status.tier.name),
                tier=status.tier.name,
                last_lead_at=last_given.get(status.slug),
            )
        )
    return out


def lead_message(request: LeadRequest, note: str, programme: str) -> str:
    """The private message to the chosen partner's contacts (nothing about other partners)."""
    size = f", size {request.size}" if request.size else ""
    lines = [
        f"New lead from the {programme} partner directory: *{request.category}* in "
        f"*{request.region}*{size}.",
    ]
    if note:
        lines.append(f"Details: {note}")
    lines.append(
        "Leads go round by fair rotation: among the listed partners serving the region and "
        "category, the one that has waited longest since its last lead goes first."
    )
    return "\n".join(lines)


def add_lead(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    request: LeadRequest,
    now: datetime,
    *,
    note: str = "",
    by: str | None = None,
) -> LeadResult:
    """Assign a lead, record it and queue the private messages (the caller commits).

    :class:`~scoring.referrals.NoPartnerForLead` when no partner can take it (nothing
    is stored).
    """
    note = note.strip()
    if len(note) > NOTE_MAX_CHARS:
        raise InvalidInput(f"--note: at most {NOTE_MAX_CHARS} characters")
    assignment = assign_lead(request, candidates(uow, config, now))
    explanation = assignment.explanation(request)
    chosen = assignment.chosen
    lead = uow.leads.add(
        chosen.slug, request.region, request.category, request.size, note, explanation, by, now
    )
    org = uow.organisations.get(chosen.slug)
    contacts = org.contacts if org else ()
    text = lead_message(request, note, config.web.community_name)
    keys: list[str] = []
    for user in contacts:
        key = f"lead:{lead.id}:dm:{user}"
        if uow.outbox.enqueue(key, "slack", "dm", user, {"text": text, "blocks": None}, now):
            keys.append(key)
    return LeadResult(lead, assignment, explanation, tuple(contacts), tuple(keys))


def lead_counts(uow: UnitOfWork, config: ProgrammeConfig) -> tuple[QuarterCounts, ...]:
    """How many leads went to each region and partner, per quarter (newest first)."""
    names = uow.organisations.names()
    return count_leads(
        ((month_of(at, config.tz), region, slug) for at, region, slug in uow.leads.placements()),
        names,
    )
