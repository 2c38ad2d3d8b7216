"""What the use cases need of a unit of work, as Protocols: the methods they call, nothing more.

:class:`storage.uow.UnitOfWork` (SQL) satisfies them, and so does
:class:`storage.memory.InMemoryUnitOfWork` (plain Python, for fast service tests); mypy
checks both wherever one is passed for a Protocol. A repository Protocol lists only the
methods some service typed against it calls; add a method when a service needs it.

- :class:`LedgerWork`: recording members and credits (``bot.services.ledger.members``
  ``ensure_member``, ``bot.services.ledger.credits``);
- :class:`StandingWork`: evaluating partner standing and queueing what it tells people
  (``bot.services.partners.standing`` ``run_standing`` and the modules it calls).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date, datetime
from typing import Any, Protocol

from scoring.models import Affiliation, Credit, Identity, Member, Organisation
from scoring.months import Month
from scoring.records import ConductRecord, Payment
from storage.repositories.standing import StoredStanding


class MemberStore(Protocol):
    def get(self, member_id: int) -> Member | None: ...

    def find(self, identity: Identity) -> Member | None: ...

    def find_any(self, identities: Iterable[Identity]) -> Member | None: ...

    def create(
        self,
        name: str,
        identities: Iterable[Identity],
        now: datetime,
        *,
        first_seen: datetime | None = None,
        is_bot: bool = False,
    ) -> Member: ...

    def add_identity(self, member_id: int, identity: Identity) -> None:
        """Raises :class:`storage.errors.IdentityTaken` when another member owns it."""
        ...

    def seen(self, member_id: int, at: datetime) -> None: ...

    def affiliations(self, member_id: int) -> list[Affiliation]: ...

    def replace_affiliations(
        self, member_id: int, affiliations: Iterable[Affiliation], now: datetime, by: str | None
    ) -> None: ...

    def organisation_on(self, member_id: int, day: date) -> str | None: ...


class OrganisationStore(Protocol):
    def all(self) -> list[Organisation]: ...

    def get(self, slug: str) -> Organisation | None: ...

    def domain_owners(self, among: Sequence[str] | None = None) -> list[Organisation]: ...


class CreditStore(Protocol):
    def add(self, credit: Credit, now: datetime) -> Credit | None: ...

    def withdraw(
        self, source: str, source_ref: str, at: datetime, by: str | None, reason: str
    ) -> Credit | None: ...

    def for_member(
        self,
        member_id: int,
        start: datetime | None = None,
        end: datetime | None = None,
        *,
        include_withdrawn: bool = False,
    ) -> list[Credit]: ...

    def set_organisations(self, changes: Iterable[tuple[int, str | None]]) -> int: ...


class MonthlyPoints(Protocol):
    def organisation_points_in(self, months: Sequence[str]) -> dict[str, dict[str, int]]: ...


class PaymentStore(Protocol):
    def between(
        self, first: date, last: date, organisations: Sequence[str] | None = None
    ) -> list[Payment]: ...


class ConductStore(Protocol):
    def between(self, first: date, last: date) -> list[ConductRecord]: ...


class StandingStore(Protocol):
    def record(self, step: StoredStanding) -> bool: ...

    def latest(self, slug: str) -> StoredStanding | None: ...

    def latest_before(self, slug: str, month: Month) -> StoredStanding | None: ...

    def for_month(self, month: Month) -> dict[str, StoredStanding]: ...


class OutboxQueue(Protocol):
    def enqueue(
        self,
        key: str,
        channel: str,
        kind: str,
        target: str,
        payload: dict[str, Any],
        now: datetime,
    ) -> bool: ...


class LedgerWork(Protocol):
    """Members, organisations and credits in one transaction."""

    @property
    def members(self) -> MemberStore: ...

    @property
    def organisations(self) -> OrganisationStore: ...

    @property
    def credits(self) -> CreditStore: ...

    def commit(self) -> None: ...


class StandingWork(LedgerWork, Protocol):
    """Everything partner standing reads and writes, in one transaction."""

    @property
    def monthly(self) -> MonthlyPoints: ...

    @property
    def payments(self) -> PaymentStore: ...

    @property
    def conduct(self) -> ConductStore: ...

    @property
    def standing(self) -> StandingStore: ...

    @property
    def outbox(self) -> OutboxQueue: ...
