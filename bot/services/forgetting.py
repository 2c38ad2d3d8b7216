"""Forgetting a person, whole: the one use case behind ``/credit forget me`` (after its
confirmation) and ``creditbot member forget``.

The people use cases erase the record (:func:`bot.services.people.erasure.forget_member`);
the Distinguished Contributor programme then updates the announcements it had published
naming the person (:func:`bot.services.distinguished.after_erasure.reannounce_without`).
Both are siblings that may not import each other, so they meet here, in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import ProgrammeConfig
from bot.services.distinguished.after_erasure import reannounce_without
from bot.services.people.erasure import erased_records, forget_member
from scoring.models import Member
from storage.uow import UnitOfWork


def forget_person(
    uow: UnitOfWork, config: ProgrammeConfig, member: Member, by: str, now: datetime
) -> list[str]:
    """Erase ``member`` (and the records merged into it); the outbox keys of the updates
    to already-published messages."""
    if uow.people.erased_at(member.id) is not None:
        return []  # erased before: nothing left to erase or to update
    records = erased_records(uow, member)
    keys = forget_member(uow, config, member, by, now)
    return keys + reannounce_without(uow, config, records, now)
