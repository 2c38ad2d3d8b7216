"""Code-of-conduct records: private to the programme managers.

A record is against an organisation or a member; it counts against a partner's
standing when it is against the organisation or someone who belonged to it that day.
Notes are never shown publicly nor written to a log: messages name records by id.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.errors import InvalidInput
from bot.services.ledger.members import resolve_member
from bot.services.organisations import known_organisation
from scoring.records import ConductRecord
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class ConductLine:
    record: ConductRecord
    against: str  # "organisation acme" or "member Alice (12), of acme that day"


def add_conduct_record(
    uow: UnitOfWork,
    day: date,
    note: str,
    now: datetime,
    *,
    organisation: str | None = None,
    member: str | None = None,
    recorded_by: str | None = None,
) -> int:
    """Record an incident against an organisation (slug) or a member (reference); its id."""
    if (organisation is None) == (member is None):
        raise InvalidInput("give either --org SLUG or --member M (one of the two)")
    if not note.strip():
        raise InvalidInput("--note must say what happened (it stays private)")
    if organisation is not None:
        known_organisation(uow, organisation)
        return uow.conduct.add(
            day, note.strip(), now, organisation=organisation, recorded_by=recorded_by
        )
    assert member is not None
    who = resolve_member(uow, member)
    return uow.conduct.add(day, note.strip(), now, member_id=who.id, recorded_by=recorded_by)


def conduct_lines(uow: UnitOfWork) -> list[ConductLine]:
    """Every record, newest first, with who it is against."""
    out: list[ConductLine] = []
    for record in uow.conduct.all():
        if record.organisation is not None:
            against = f"organisation {record.organisation}"
        else:
            assert record.member_id is not None
            member = uow.members.get(record.member_id)
            name = member.name if member else "unknown"
            org = uow.members.organisation_on(record.member_id, record.occurred_on)
            against = f"member {name} ({record.member_id})" + (
                f", of {org} that day" if org else ""
            )
        out.append(ConductLine(record, against))
    return out
