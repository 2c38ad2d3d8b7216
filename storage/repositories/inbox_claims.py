"""Claiming inbox entries for processing, so that each has its effects exactly once.

An entry may be picked up by the request that received it, by a retry job in this
process and by one in another replica. ``claim`` hands it to one of them for a lease
(the others see it as not due); ``complete`` marks it done only if it was still
pending, in the same transaction as its effects, so a second finisher changes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, cast

from sqlalchemy import CursorResult, or_, update
from sqlmodel import Session

from storage.repositories import prepared
from storage.repositories.inbox import InboxEntry
from storage.tables import InboxRow, columns

_inbox = columns(InboxRow)


class InboxClaimRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def get(self, entry_id: int) -> InboxEntry | None:
        """One inbox entry by id."""
        row = self._session.get(InboxRow, entry_id)
        if row is None:
            return None
        return InboxEntry(
            row.id or 0, row.source, row.key, row.kind, row.payload, row.status, row.attempts
        )

    def claim(self, entry_id: int, due_by: datetime, lease_until: datetime) -> bool:
        """Take a pending entry due by ``due_by`` until ``lease_until``; False if not ours."""
        result = self._session.execute(
            update(InboxRow)
            .where(
                _inbox.id == entry_id,
                _inbox.status == "pending",
                or_(_inbox.next_attempt_at.is_(None), _inbox.next_attempt_at <= due_by),
            )
            .values(next_attempt_at=lease_until)
        )
        return bool(cast(CursorResult[Any], result).rowcount)

    def claim_many(
        self, entry_ids: Sequence[int], due_by: datetime, lease_until: datetime
    ) -> set[int]:
        """:meth:`claim` for many entries in one statement: the ids taken (the others
        are not ours: done meanwhile, or claimed by another process)."""
        if not entry_ids:
            return set()
        taken = self._session.execute(
            prepared.CLAIM_ENTRIES,
            {"ids": list(entry_ids), "due_by": due_by, "lease_until": lease_until},
        )
        return {int(entry_id) for entry_id in taken.scalars()}

    def release(self, entry_ids: Sequence[int], lease_until: datetime, due: datetime) -> None:
        """Give back entries claimed until ``lease_until`` and not handled: due at ``due``.
        Only those still held by that claim: one whose lease ran out meanwhile and that
        another process claimed (or finished) stays theirs."""
        if entry_ids:
            self._session.execute(
                update(InboxRow)
                .where(
                    _inbox.id.in_(entry_ids),
                    _inbox.status == "pending",
                    _inbox.next_attempt_at == lease_until,
                )
                .values(next_attempt_at=due)
                .execution_options(synchronize_session=False)
            )

    def complete(self, entry_id: int, now: datetime) -> bool:
        """Mark a pending entry done; False (nothing changed) if it was not pending."""
        result = self._session.execute(prepared.COMPLETE_ENTRY, {"entry": entry_id, "now": now})
        return bool(cast(CursorResult[Any], result).rowcount)
