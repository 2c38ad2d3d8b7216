"""A member's row read, then updated, then read again in one transaction shows the update.

The updates that every Slack message makes (first seen, profile read) are prepared Core
statements; a member row the transaction loaded before must not read back stale.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.runtime import Runtime
from storage.tables import MemberRow


def test_a_member_read_again_after_being_seen_and_refreshed_in_one_transaction_is_current(
    runtime: Runtime,
) -> None:
    created = datetime(2026, 10, 1, 9, 0, tzinfo=UTC)
    first_message = datetime(2026, 10, 3, 8, 30, tzinfo=UTC)
    with runtime.uow() as uow:
        member = uow.members.create("Ada", [], created)
        uow.commit()
    with runtime.uow() as uow:
        # Loaded into this transaction, and held (as a row being changed would be).
        row = uow.session.get(MemberRow, member.id)
        assert row is not None and row.first_seen is None
        uow.members.seen(member.id, first_message)
        uow.members.profile_read(member.id, first_message)
        after = uow.members.get(member.id)
        assert after is not None and after.first_seen == first_message
        assert uow.members.profile_refreshed_at(member.id) == first_message
        assert (row.first_seen, row.profile_refreshed_at) == (first_message, first_message)
        uow.commit()
    with runtime.reader() as uow:
        stored = uow.members.get(member.id)
        assert stored is not None and stored.first_seen == first_message
        assert uow.members.profile_refreshed_at(member.id) == first_message
