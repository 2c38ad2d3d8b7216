"""An in-memory unit of work: the :mod:`storage.protocols` a service needs, in plain Python.

For fast service tests (no database, no migration): ``InMemoryUnitOfWork(orgs, tz)``
holds everything in dictionaries; a block left without :meth:`~InMemoryUnitOfWork.commit`
rolls back to the last commit, as the SQL unit of work does. It keeps the rules the
services rely on: a credit's ``(source, source_ref)`` and an outbox key are written once,
an identity belongs to one member (:class:`~storage.errors.IdentityTaken`), a month of
standing is recorded once, months are calendar months of ``tz``. The contract test
(``tests/integration/test_unit_of_work_contract.py``) runs one scenario on this and on
the SQL unit of work and compares what they hold, so the two cannot drift.

(Just over 300 lines: one small class per repository, kept in one module so the fake
reads as one thing beside :mod:`storage.protocols`.)
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime
from types import TracebackType
from typing import Any
from zoneinfo import ZoneInfo

from scoring.attribution import resolve_organisation
from scoring.models import Affiliation, Credit, Identity, Member, Organisation
from scoring.months import Month, month_of
from scoring.records import ConductRecord, Payment
from storage.errors import IdentityTaken
from storage.protocols import StandingWork
from storage.repositories.members import normalise_identity
from storage.repositories.outbox import PENDING, OutboxMessage
from storage.repositories.standing import StoredStanding
from storage.uow import UnitOfWork


@dataclass
class _State:
    """Everything stored; copied at each commit (what a rollback returns to)."""

    organisations: dict[str, Organisation]
    members: dict[int, Member] = field(default_factory=dict)
    owners: dict[tuple[str, str], int] = field(default_factory=dict)
    affiliations: dict[int, list[Affiliation]] = field(default_factory=dict)
    credits: dict[int, Credit] = field(default_factory=dict)
    payments: list[Payment] = field(default_factory=list)
    conduct: list[ConductRecord] = field(default_factory=list)
    standing: dict[tuple[str, str], StoredStanding] = field(default_factory=dict)
    outbox: dict[str, OutboxMessage] = field(default_factory=dict)


class _Part:
    def __init__(self, state: _State) -> None:
        self._s = state


class InMemoryMembers(_Part):
    def get(self, member_id: int) -> Member | None:
        return self._s.members.get(member_id)

    def find(self, identity: Identity) -> Member | None:
        key = (identity.kind.value, normalise_identity(identity.kind, identity.value))
        owner = self._s.owners.get(key)
        return None if owner is None else self._s.members[owner]

    def find_any(self, identities: Iterable[Identity]) -> Member | None:
        return next((m for m in map(self.find, identities) if m is not None), None)

    def create(
        self,
        name: str,
        identities: Iterable[Identity],
        now: datetime,
        *,
        first_seen: datetime | None = None,
        is_bot: bool = False,
    ) -> Member:
        member_id = max(self._s.members, default=0) + 1
        self._s.members[member_id] = Member(member_id, name, (), first_seen, is_bot)
        for identity in identities:
            self.add_identity(member_id, identity)
        return self._s.members[member_id]

    def add_identity(self, member_id: int, identity: Identity) -> None:
        value = normalise_identity(identity.kind, identity.value)
        owner = self._s.owners.get((identity.kind.value, value))
        if owner == member_id:
            return
        if owner is not None:
            raise IdentityTaken(identity, owner)
        self._s.owners[(identity.kind.value, value)] = member_id
        member = self._s.members[member_id]
        added = Identity(identity.kind, value)
        self._s.members[member_id] = replace(member, identities=(*member.identities, added))

    def seen(self, member_id: int, at: datetime) -> None:
        member = self._s.members[member_id]
        if member.first_seen is None or member.first_seen > at:
            self._s.members[member_id] = replace(member, first_seen=at)

    def affiliations(self, member_id: int) -> list[Affiliation]:
        return list(self._s.affiliations.get(member_id, []))

    def replace_affiliations(
        self, member_id: int, affiliations: Iterable[Affiliation], now: datetime, by: str | None
    ) -> None:
        self._s.affiliations[member_id] = list(affiliations)

    def organisation_on(self, member_id: int, day: date) -> str | None:
        return resolve_organisation(None, self.affiliations(member_id), day)


class InMemoryOrganisations(_Part):
    def all(self) -> list[Organisation]:
        return [self._s.organisations[slug] for slug in sorted(self._s.organisations)]

    def get(self, slug: str) -> Organisation | None:
        return self._s.organisations.get(slug)

    def domain_owners(self, among: Sequence[str] | None = None) -> list[Organisation]:
        wanted = None if among is None else set(among)
        return [
            Organisation(slug=o.slug, name=o.name, domains=o.domains)
            for o in self.all()
            if o.domains
            and (wanted is None or any(d.strip(".").lower() in wanted for d in o.domains))
        ]


class InMemoryCredits(_Part):
    def add(self, credit: Credit, now: datetime) -> Credit | None:
        if self.by_ref(credit.source, credit.source_ref) is not None:
            return None
        credit_id = max(self._s.credits, default=0) + 1
        self._s.credits[credit_id] = replace(credit, id=credit_id)
        return self._s.credits[credit_id]

    def get(self, credit_id: int) -> Credit | None:
        return self._s.credits.get(credit_id)

    def by_ref(self, source: str, source_ref: str) -> Credit | None:
        return next(
            (
                c
                for c in self._s.credits.values()
                if (c.source, c.source_ref) == (source, source_ref)
            ),
            None,
        )

    def withdraw(
        self, source: str, source_ref: str, at: datetime, by: str | None, reason: str
    ) -> Credit | None:
        credit = self.by_ref(source, source_ref)
        if credit is None or credit.withdrawn or credit.id is None:
            return None
        self._s.credits[credit.id] = replace(credit, withdrawn_at=at)
        return self._s.credits[credit.id]

    def for_member(
        self,
        member_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        include_withdrawn: bool = False,
    ) -> list[Credit]:
        found = [
            c
            for c in self._s.credits.values()
            if c.member_id == member_id
            and (start is None or c.occurred_at >= start)
            and (end is None or c.occurred_at < end)
            and (include_withdrawn or not c.withdrawn)
        ]
        return sorted(found, key=lambda c: (c.occurred_at, c.id or 0))

    def set_organisations(self, changes: Iterable[tuple[int, str | None]]) -> int:
        changed = 0
        for credit_id, organisation in changes:
            self._s.credits[credit_id] = replace(
                self._s.credits[credit_id], organisation=organisation
            )
            changed += 1
        return changed


class InMemoryMonthly(_Part):
    def __init__(self, state: _State, tz: ZoneInfo) -> None:
        super().__init__(state)
        self._tz = tz

    def organisation_points_in(self, months: Sequence[str]) -> dict[str, dict[str, int]]:
        out: dict[str, dict[str, int]] = {m: defaultdict(int) for m in months}
        for credit in self._s.credits.values():
            month = str(month_of(credit.occurred_at, self._tz))
            if month in out and credit.organisation and not credit.withdrawn:
                out[month][credit.organisation] += credit.points
        return {m: dict(points) for m, points in out.items()}


class InMemoryPayments(_Part):
    def between(
        self, first: date, last: date, organisations: Sequence[str] | None = None
    ) -> list[Payment]:
        found = [
            p
            for p in self._s.payments
            if first <= p.paid_on <= last
            and (organisations is None or p.organisation in organisations)
        ]
        return sorted(found, key=lambda p: (p.paid_on, p.id or 0))


class InMemoryConduct(_Part):
    def between(self, first: date, last: date) -> list[ConductRecord]:
        found = [r for r in self._s.conduct if first <= r.occurred_on <= last]
        return sorted(found, key=lambda r: (r.occurred_on, r.id))


class InMemoryStanding(_Part):
    def record(self, step: StoredStanding) -> bool:
        key = (step.slug, str(step.month))
        if key in self._s.standing:
            return False
        self._s.standing[key] = step
        return True

    def get(self, slug: str, month: Month) -> StoredStanding | None:
        return self._s.standing.get((slug, str(month)))

    def latest(self, slug: str) -> StoredStanding | None:
        return self._last(slug, None)

    def latest_before(self, slug: str, month: Month) -> StoredStanding | None:
        return self._last(slug, str(month))

    def for_month(self, month: Month) -> dict[str, StoredStanding]:
        return {slug: s for (slug, m), s in self._s.standing.items() if m == str(month)}

    def _last(self, slug: str, before: str | None) -> StoredStanding | None:
        months = [m for (s, m) in self._s.standing if s == slug and (before is None or m < before)]
        return self._s.standing[(slug, max(months))] if months else None


class InMemoryOutbox(_Part):
    def enqueue(
        self,
        key: str,
        channel: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> bool:
        if key in self._s.outbox:
            return False
        message_id = len(self._s.outbox) + 1
        self._s.outbox[key] = OutboxMessage(
            message_id, key, channel, kind, target, copy.deepcopy(payload), PENDING, 0, now, now
        )
        return True

    def list(self, statuses: Sequence[str] | None = None, limit: int = 100) -> list[OutboxMessage]:
        """Messages, newest first, optionally only those in ``statuses``."""
        found = [m for m in self._s.outbox.values() if not statuses or m.status in statuses]
        return sorted(found, key=lambda m: m.id, reverse=True)[:limit]


class InMemoryUnitOfWork:
    """:class:`storage.protocols.StandingWork` (and so :class:`~storage.protocols.LedgerWork`)
    in memory. Use it as the SQL one: ``with uow: ...; uow.commit()``."""

    def __init__(self, organisations: Iterable[Organisation], tz: ZoneInfo) -> None:
        self._committed = _State({o.slug: o for o in organisations})
        self._tz = tz
        self._open(copy.deepcopy(self._committed))

    def _open(self, state: _State) -> None:
        self._state = state
        self.members = InMemoryMembers(state)
        self.organisations = InMemoryOrganisations(state)
        self.credits = InMemoryCredits(state)
        self.monthly = InMemoryMonthly(state, self._tz)
        self.payments = InMemoryPayments(state)
        self.conduct = InMemoryConduct(state)
        self.standing = InMemoryStanding(state)
        self.outbox = InMemoryOutbox(state)

    def __enter__(self) -> InMemoryUnitOfWork:
        self._open(copy.deepcopy(self._committed))
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.rollback()

    def commit(self) -> None:
        self._committed = copy.deepcopy(self._state)

    def rollback(self) -> None:
        self._open(copy.deepcopy(self._committed))


def _satisfies_the_protocols(memory: InMemoryUnitOfWork, sql: UnitOfWork) -> list[StandingWork]:
    """Never called: mypy checks here that both units of work are a :class:`StandingWork`."""
    return [memory, sql]
