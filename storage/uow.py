"""Unit of work: one job or one request is one transaction.

Repositories never commit; ``uow.commit()`` does, and leaving the block without it
rolls everything back. Outbox rows are written through the same session, so a
message is stored if and only if the change that caused it is.
"""

from __future__ import annotations

from types import TracebackType

from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from storage.repositories.credits import CreditRepository
from storage.repositories.inbox import InboxRepository
from storage.repositories.ledger import LedgerRepository
from storage.repositories.members import MemberRepository
from storage.repositories.organisations import OrganisationRepository


class UnitOfWork:
    session: Session
    members: MemberRepository
    organisations: OrganisationRepository
    credits: CreditRepository
    ledger: LedgerRepository
    inbox: InboxRepository

    def __init__(self, session_factory: sessionmaker[Session]) -> None:
        self._factory = session_factory

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.members = MemberRepository(self.session)
        self.organisations = OrganisationRepository(self.session)
        self.credits = CreditRepository(self.session)
        self.ledger = LedgerRepository(self.session)
        self.inbox = InboxRepository(self.session)
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            self.session.rollback()
        finally:
            self.session.close()

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
