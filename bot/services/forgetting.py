"""Forgetting a person, whole: the one use case behind ``/credit forget me`` (after its
confirmation) and ``creditbot member forget``.

The people use cases erase the record (:func:`bot.services.people.erasure.forget_member`);
the Distinguished Contributor programme then anonymises its nominations and terms of the
person and updates the panel posts and the announcements it had published naming them
(:mod:`bot.services.distinguished.after_erasure`).
Both are siblings that may not import each other, so they meet here, in one transaction.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import ProgrammeConfig
from bot.services.distinguished.after_erasure import forget_nominations, reannounce_without
from bot.services.people.erasure import erased_records, forget_member
from scoring.models import IdentityKind, Member
from storage.uow import UnitOfWork


def forget_person(
    uow: UnitOfWork, config: ProgrammeConfig, member: Member, by: str, now: datetime
) -> list[str]:
    """Erase ``member`` (and the records merged into it); the outbox keys of the updates
    to already-published messages."""
    if uow.people.erased_at(member.id) is not None:
        return []  # erased before: nothing left to erase or to update
    records = erased_records(uow, member)
    slack_id = member.identity(IdentityKind.SLACK)
    keys = forget_member(uow, member, by, now)
    keys += forget_nominations(uow, config, records, slack_id, now)  # named anonymously now
    return keys + reannounce_without(uow, config, records, now)
