"""Statements built once, for the queries every Slack event runs.

Building a SQLAlchemy statement (``select(...).where(...)``) and computing its cache key
cost more Python than running it on SQLite: about 0.2-0.3 ms each, where the same
statement built once and given its values as parameters costs 0.03-0.1 ms. The event
worker runs a dozen such queries per message, so the ones on that path are built here,
once, with bound parameters; the repositories execute them with their values.

All are Core statements (an ORM-enabled update costs five times a Core one, most of
it in keeping loaded rows in step): the member repository keeps a member row loaded in
the same session in step with its updates itself.
"""

from __future__ import annotations

from sqlalchemy import bindparam, or_, select, update

from storage.tables import AffiliationRow, IdentityRow, InboxRow, MemberRow, columns, table

_affiliation = columns(AffiliationRow)
_identity = columns(IdentityRow)
_inbox = columns(InboxRow)
_member = columns(MemberRow)

#: The member owning the identity (``kind``, ``value``).
FIND_MEMBER = (
    select(MemberRow)
    .join(IdentityRow, _identity.member_id == _member.id)
    .where(_identity.kind == bindparam("kind"), _identity.value == bindparam("value"))
)
#: The identities of the members ``ids``, in a stable order.
IDENTITIES_OF = (
    select(_identity.member_id, _identity.kind, _identity.value)
    .where(_identity.member_id.in_(bindparam("ids", expanding=True)))
    .order_by(_identity.id)
)
#: When the profile of the member owning each identity (``kind``, ``values``) was read.
PROFILES_REFRESHED = (
    select(_identity.value, _member.profile_refreshed_at)
    .join(MemberRow, _member.id == _identity.member_id)
    .where(
        _identity.kind == bindparam("kind"),
        _identity.value.in_(bindparam("values", expanding=True)),
    )
)
#: The member's affiliations, oldest first.
AFFILIATIONS_OF = (
    select(AffiliationRow)
    .where(_affiliation.member_id == bindparam("member"))
    .order_by(_affiliation.id)
)
#: ``first_seen`` of ``member`` becomes ``at`` if it is unset or later.
SEEN = (
    update(table(MemberRow))
    .where(
        _member.id == bindparam("member"),
        or_(_member.first_seen.is_(None), _member.first_seen > bindparam("at")),
    )
    .values(first_seen=bindparam("at"))
)
#: The member's profile was read at ``at``.
PROFILE_READ = (
    update(table(MemberRow))
    .where(_member.id == bindparam("member"))
    .values(profile_refreshed_at=bindparam("at"))
)
#: The pending inbox entry ``entry`` is done (its effects are in the same transaction).
COMPLETE_ENTRY = (
    update(table(InboxRow))
    .where(_inbox.id == bindparam("entry"), _inbox.status == "pending")
    .values(status="done", processed_at=bindparam("now"), last_error=None)
)
#: Take the pending entries ``ids`` due by ``due_by`` until ``lease_until``: their ids.
CLAIM_ENTRIES = (
    update(table(InboxRow))
    .where(
        _inbox.id.in_(bindparam("ids", expanding=True)),
        _inbox.status == "pending",
        or_(_inbox.next_attempt_at.is_(None), _inbox.next_attempt_at <= bindparam("due_by")),
    )
    .values(next_attempt_at=bindparam("lease_until"))
    .returning(_inbox.id)
)
