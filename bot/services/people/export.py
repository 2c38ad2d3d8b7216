"""Everything creditbot holds about one member, as one JSON document.

``/credit export me`` sends it to the member by DM (a file); ``creditbot member export
M`` writes the same file for a programme manager handling a request. It holds the
member's own record: identities, affiliations, credits with their evidence (the link or
the note), suggestions about their messages, nudges, activity, nominations of them and
the changes made to their record. Never other people's votes, never who suggested or
nominated them, never private records about others (conduct records are not exported:
they are the programme's, handled on request by a programme manager).
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from scoring.models import Credit, Member
from storage.uow import UnitOfWork

FORMAT_VERSION = 1


def export_member(uow: UnitOfWork, member: Member, now: datetime) -> dict[str, Any]:
    """The export document of ``member`` as it stands at ``now``."""
    credits = uow.credits.for_member(member.id, include_withdrawn=True)
    held = uow.people.held_about(member.id)
    return {
        "format": "creditbot-member-export",
        "version": FORMAT_VERSION,
        "exported_at": now.isoformat(),
        "member": {
            "id": member.id,
            "name": member.name,
            "first_seen": member.first_seen.isoformat() if member.first_seen else None,
            "shown_publicly": member.show_publicly,
            "credit_messages": not uow.people.notices_off(member.id),
        },
        "identities": [{"kind": i.kind.value, "value": i.value} for i in member.identities],
        "affiliations": [
            {
                "organisation": a.organisation,
                "source": a.source.value,
                "from": a.start.isoformat() if a.start else None,
                "to": a.end.isoformat() if a.end else None,
            }
            for a in uow.members.affiliations(member.id)
        ],
        "credits": [_credit(c) for c in credits],
        **held,
    }


def export_filename(member: Member, now: datetime) -> str:
    return f"creditbot-export-member-{member.id}-{now.date().isoformat()}.json"


def export_json(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def _credit(credit: Credit) -> dict[str, Any]:
    evidence = credit.source_ref if credit.source_ref.startswith("http") else None
    return {
        "id": credit.id,
        "type": credit.type,
        "points": credit.points,
        "occurred_at": credit.occurred_at.isoformat(),
        "source": credit.source,
        "evidence": evidence or credit.note or None,
        "note": credit.note,
        "organisation": credit.organisation,
        "withdrawn_at": credit.withdrawn_at.isoformat() if credit.withdrawn_at else None,
    }
