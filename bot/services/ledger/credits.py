"""Recording and withdrawing credits."""

from __future__ import annotations

import hashlib
from datetime import datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.services.organisations import known_organisation
from scoring.attribution import resolve_organisation
from scoring.bounds import check_moment
from scoring.models import Credit, Member
from storage.protocols import LedgerWork


def content_ref(*parts: object) -> str:
    """A stable reference for a credit that has none at its source (so a re-run adds nothing)."""
    digest = hashlib.sha256("\x1f".join(str(p) for p in parts).encode("utf-8")).hexdigest()
    return digest[:32]


def check_credit(
    config: ProgrammeConfig, type_name: str, points: int | None, organisation: str | None = None
) -> int:
    """Validate a type and points; returns the points to record (the type's by default)."""
    contribution = config.rules.type_named(type_name)
    if contribution is None:
        raise InvalidInput(
            f"unknown contribution type '{type_name}'; "
            f"known types: {', '.join(config.rules.type_names)}"
        )
    if points is None:
        return contribution.points
    if not 1 <= points <= config.rules.max_points:
        raise InvalidInput(f"points must be from 1 to {config.rules.max_points}, not {points}")
    return points


def record_credit(
    uow: LedgerWork,
    config: ProgrammeConfig,
    member: Member,
    type_name: str,
    occurred_at: datetime,
    source: str,
    source_ref: str,
    now: datetime,
    *,
    points: int | None = None,
    granted_by: str | None = None,
    note: str = "",
    organisation: str | None = None,
) -> Credit | None:
    """Append one credit, attributed on its date; None if the source reference is known."""
    if member.is_bot:
        raise InvalidInput(f"{member.name} is a bot; bots never earn credit")
    value = check_credit(config, type_name, points)
    check_moment(occurred_at, now.date(), what="date of the contribution")
    if organisation is not None:
        known_organisation(uow, organisation)
    day = occurred_at.astimezone(config.tz).date()
    resolved = resolve_organisation(organisation, uow.members.affiliations(member.id), day)
    credit = uow.credits.add(
        Credit(
            member_id=member.id,
            type=type_name,
            points=value,
            occurred_at=occurred_at,
            source=source,
            source_ref=source_ref,
            note=note,
            granted_by=granted_by,
            explicit_organisation=organisation,
            organisation=resolved,
        ),
        now,
    )
    if credit is not None:
        uow.members.seen(member.id, occurred_at)
    return credit


def withdraw_credit(
    uow: LedgerWork, source: str, source_ref: str, now: datetime, by: str | None, reason: str
) -> Credit | None:
    """Withdraw a credit (it stays on record); None if there was nothing live to withdraw."""
    return uow.credits.withdraw(source, source_ref, now, by, reason)
