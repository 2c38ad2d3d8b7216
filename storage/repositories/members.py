"""Members, their identities and their affiliations.

(Over 300 lines: one aggregate's repository: a member with their identities and
affiliations.)
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any

from sqlalchemy import Select, delete, func, select, update
from sqlalchemy.orm.attributes import set_committed_value
from sqlalchemy.orm.util import identity_key
from sqlmodel import Session

from scoring.models import (
    Affiliation,
    AffiliationSource,
    Identity,
    IdentityKind,
    Member,
)
from storage.bulk import execute_rows
from storage.errors import IdentityTaken
from storage.repositories import prepared
from storage.repositories.rollups import bump_public_version
from storage.tables import AffiliationRow, IdentityRow, MemberRow, columns

_SLACK_ID = re.compile(r"^[UW][A-Z0-9]{2,}$")

_affiliation = columns(AffiliationRow)
_identity = columns(IdentityRow)
_member = columns(MemberRow)


def normalise_identity(kind: IdentityKind, value: str) -> str:
    """E-mail addresses and forum usernames are case-insensitive; Slack ids are not."""
    value = value.strip()
    if kind in (IdentityKind.EMAIL, IdentityKind.DISCOURSE, IdentityKind.GITHUB):
        return value.lower()
    return value


def guess_identity(reference: str) -> Identity:
    """How a user names a member on the command line: Slack id, e-mail or forum username."""
    reference = reference.strip()
    if reference.startswith("<@") and reference.endswith(">"):
        reference = reference[2:-1].split("|", 1)[0]
    if "@" in reference and not reference.startswith("@"):
        return Identity(IdentityKind.EMAIL, normalise_identity(IdentityKind.EMAIL, reference))
    if _SLACK_ID.match(reference):
        return Identity(IdentityKind.SLACK, reference)
    if reference.startswith("github:"):
        return Identity(IdentityKind.GITHUB, normalise_identity(IdentityKind.GITHUB, reference[7:]))
    return Identity(
        IdentityKind.DISCOURSE, normalise_identity(IdentityKind.DISCOURSE, reference.lstrip("@"))
    )


class MemberRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- reading -----------------------------------------------------------------
    def get(self, member_id: int) -> Member | None:
        """The member with that id, with their identities."""
        row = self._session.get(MemberRow, member_id)
        return None if row is None else self._to_member(row)

    def find(self, identity: Identity) -> Member | None:
        """The member who owns an identity, or None."""
        value = normalise_identity(identity.kind, identity.value)
        row = self._session.execute(
            prepared.FIND_MEMBER, {"kind": identity.kind.value, "value": value}
        ).scalar_one_or_none()
        return None if row is None else self._to_member(row)

    def find_any(self, identities: Iterable[Identity]) -> Member | None:
        """The first member owning any of the identities (in the order given)."""
        for identity in identities:
            found = self.find(identity)
            if found is not None:
                return found
        return None

    def ids_for(self, identities: Iterable[Identity]) -> dict[Identity, int]:
        """Owners of many identities at once (unknown ones are left out): one query per 500."""
        by_kind: dict[IdentityKind, set[str]] = {}
        for identity in identities:
            by_kind.setdefault(identity.kind, set()).add(
                normalise_identity(identity.kind, identity.value)
            )
        found: dict[Identity, int] = {}
        for kind, values in by_kind.items():
            ordered = sorted(values)
            for start in range(0, len(ordered), 500):
                rows = self._session.execute(
                    select(_identity.value, _identity.member_id).where(
                        _identity.kind == kind.value,
                        _identity.value.in_(ordered[start : start + 500]),
                    )
                ).all()
                for value, member_id in rows:
                    found[Identity(kind, value)] = int(member_id)
        return found

    def bots_among(self, member_ids: Sequence[int]) -> set[int]:
        """Which of these members are bots."""
        bots: set[int] = set()
        for start in range(0, len(member_ids), 500):
            bots.update(
                self._session.execute(
                    select(_member.id).where(
                        _member.id.in_(member_ids[start : start + 500]), _member.is_bot.is_(True)
                    )
                ).scalars()
            )
        return bots

    def identities_of(self, member_ids: Sequence[int]) -> dict[int, list[Identity]]:
        """Identities of many members at once, in a stable order."""
        out: dict[int, list[Identity]] = {m: [] for m in member_ids}
        for chunk_start in range(0, len(member_ids), 500):
            chunk = member_ids[chunk_start : chunk_start + 500]
            rows = self._session.execute(prepared.IDENTITIES_OF, {"ids": list(chunk)}).all()
            for member_id, kind, value in rows:
                out[member_id].append(Identity(IdentityKind(kind), value))
        return out

    def count(self) -> int:
        return int(self._session.execute(select(func.count()).select_from(MemberRow)).scalar_one())

    def all(self) -> list[Member]:
        return self._loaded(select(MemberRow).order_by(_member.id))

    def hidden(self) -> list[Member]:
        """The members who chose not to be named in public (few: read them all)."""
        query = select(MemberRow).where(_member.show_publicly.is_(False))
        return self._loaded(query.order_by(_member.id))

    def _loaded(self, query: Select[MemberRow]) -> list[Member]:
        rows = self._session.execute(query).scalars().all()
        identities = self.identities_of([r.id for r in rows if r.id is not None])
        return [self._to_member(r, identities.get(r.id or 0, [])) for r in rows]

    # -- writing -----------------------------------------------------------------
    def create(
        self,
        name: str,
        identities: Iterable[Identity],
        now: datetime,
        *,
        first_seen: datetime | None = None,
        is_bot: bool = False,
    ) -> Member:
        """A new member with its identities (flushed, so it has an id)."""
        row = MemberRow(name=name, first_seen=first_seen, is_bot=is_bot, created_at=now)
        self._session.add(row)
        self._session.flush()
        bump_public_version(self._session)  # a new member counts in the reports
        assert row.id is not None
        for identity in identities:
            self.add_identity(row.id, identity)
        member = self.get(row.id)
        assert member is not None
        return member

    def add_identity(self, member_id: int, identity: Identity) -> None:
        """Attach an identity; a no-op if it is already this member's."""
        value = normalise_identity(identity.kind, identity.value)
        owner = self._session.execute(
            select(_identity.member_id).where(
                _identity.kind == identity.kind.value, _identity.value == value
            )
        ).scalar_one_or_none()
        if owner == member_id:
            return
        if owner is not None:
            raise IdentityTaken(identity, owner)
        self._session.add(IdentityRow(member_id=member_id, kind=identity.kind.value, value=value))
        self._session.flush()

    def rename(self, member_id: int, name: str) -> None:
        self._session.execute(update(MemberRow).where(_member.id == member_id).values(name=name))
        bump_public_version(self._session)

    def set_flags(self, member_id: int, **flags: bool | datetime | None) -> None:
        """Update plain columns (is_bot, show_publicly, nudges_opted_out, profile_refreshed_at)."""
        allowed = {"is_bot", "show_publicly", "nudges_opted_out", "profile_refreshed_at"}
        unknown = set(flags) - allowed
        if unknown:
            raise ValueError(f"not a member flag: {', '.join(sorted(unknown))}")
        self._session.execute(update(MemberRow).where(_member.id == member_id).values(**flags))
        if {"is_bot", "show_publicly"} & set(flags):
            bump_public_version(self._session)

    def profile_read(self, member_id: int, at: datetime) -> None:
        """The member's profile was read at ``at`` (no public page shows when)."""
        self._session.execute(prepared.PROFILE_READ, {"member": member_id, "at": at})
        self._in_step(member_id, profile_refreshed_at=at)

    def profile_refreshed_at(self, member_id: int) -> datetime | None:
        row = self._session.get(MemberRow, member_id)
        return None if row is None else row.profile_refreshed_at

    def profiles_refreshed(
        self, kind: IdentityKind, values: Sequence[str]
    ) -> dict[str, datetime | None]:
        """When the profile of the member owning each identity was last read (None: never),
        for the identities some member owns, in one query (keyed by the value as given)."""
        given = {normalise_identity(kind, v): v for v in values}
        if not given:
            return {}
        rows = self._session.execute(
            prepared.PROFILES_REFRESHED, {"kind": kind.value, "values": list(given)}
        ).all()
        return {given[value]: refreshed for value, refreshed in rows}

    def seen(self, member_id: int, at: datetime) -> None:
        """Record that the member was active at ``at`` (first_seen keeps the earliest)."""
        result = self._session.execute(prepared.SEEN, {"member": member_id, "at": at})
        if getattr(result, "rowcount", 0):
            self._in_step(member_id, first_seen=at)
            bump_public_version(self._session)  # "new members" of a month

    def _in_step(self, member_id: int, **values: datetime) -> None:
        """A member row loaded in this session, told what a Core update just wrote."""
        loaded = self._session.identity_map.get(identity_key(MemberRow, member_id))
        if loaded is not None:
            for key, value in values.items():
                set_committed_value(loaded, key, value)

    def seen_many(self, first_moments: dict[int, Any]) -> None:
        """:meth:`seen` for many members in one statement; each moment as the database
        driver takes it (``storage.bulk.moment_param``), as an import holds them."""
        if not first_moments:
            return
        execute_rows(self._session, prepared.SEEN, ("member", "at"), list(first_moments.items()))
        bump_public_version(self._session)

    # -- affiliations --------------------------------------------------------------
    def affiliations(self, member_id: int) -> list[Affiliation]:
        rows = self._session.execute(prepared.AFFILIATIONS_OF, {"member": member_id}).scalars()
        return [_to_affiliation(r) for r in rows]

    def affiliations_of(self, member_ids: Sequence[int]) -> dict[int, list[Affiliation]]:
        out: dict[int, list[Affiliation]] = {m: [] for m in member_ids}
        for start in range(0, len(member_ids), 500):
            chunk = member_ids[start : start + 500]
            rows = self._session.execute(  # columns, not rows made objects: 10,000 members
                select(
                    _affiliation.member_id,
                    _affiliation.organisation,
                    _affiliation.source,
                    _affiliation.start,
                    _affiliation.end,
                )
                .where(_affiliation.member_id.in_(chunk))
                .order_by(_affiliation.id)
            )
            for member_id, organisation, source, start, end in rows:
                out[member_id].append(
                    Affiliation(member_id, organisation, AffiliationSource(source), start, end)
                )
        return out

    def replace_affiliations(
        self, member_id: int, affiliations: Iterable[Affiliation], now: datetime, by: str | None
    ) -> None:
        """Store the member's complete affiliation history."""
        self._session.execute(delete(AffiliationRow).where(_affiliation.member_id == member_id))
        for aff in affiliations:
            self._session.add(
                AffiliationRow(
                    member_id=member_id,
                    organisation=aff.organisation,
                    source=aff.source.value,
                    start=aff.start,
                    end=aff.end,
                    created_at=now,
                    created_by=by,
                )
            )
        self._session.flush()
        bump_public_version(self._session)

    def organisation_on(self, member_id: int, day: date) -> str | None:
        from scoring.attribution import resolve_organisation

        return resolve_organisation(None, self.affiliations(member_id), day)

    def _to_member(self, row: MemberRow, identities: list[Identity] | None = None) -> Member:
        assert row.id is not None
        if identities is None:
            identities = self.identities_of([row.id])[row.id]
        return Member(
            id=row.id,
            name=row.name,
            identities=tuple(identities),
            first_seen=row.first_seen,
            is_bot=row.is_bot,
            show_publicly=row.show_publicly,
        )


def _to_affiliation(row: AffiliationRow) -> Affiliation:
    return Affiliation(
        member_id=row.member_id,
        organisation=row.organisation,
        source=AffiliationSource(row.source),
        start=row.start,
        end=row.end,
    )
