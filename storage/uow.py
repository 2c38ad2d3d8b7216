"""Unit of work: one job or one request is one transaction.

Repositories never commit; ``uow.commit()`` does, and leaving the block without it
rolls everything back. Outbox rows are written through the same session, so a
message is stored if and only if the change that caused it is.

A write the database refuses (SQLAlchemy's ``IntegrityError``, at a flush inside the
block or at the commit) leaves the block as :class:`storage.errors.ConflictingWrite`.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from types import TracebackType

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from storage.errors import ConflictingWrite
from storage.repositories.activity import ActivityRepository
from storage.repositories.conduct import ConductRepository
from storage.repositories.credits import CreditRepository
from storage.repositories.distinguished import DistinguishedRepository
from storage.repositories.erasure import ErasureRepository
from storage.repositories.finance import PaymentRepository
from storage.repositories.inbox import InboxRepository
from storage.repositories.inbox_claims import InboxClaimRepository
from storage.repositories.jobs import JobRunRepository
from storage.repositories.leads import LeadRepository
from storage.repositories.ledger import LedgerRepository
from storage.repositories.members import MemberRepository
from storage.repositories.monthly import MonthlyFigures
from storage.repositories.nudges import NudgeRepository
from storage.repositories.organisations import OrganisationRepository
from storage.repositories.outbox import OutboxRepository
from storage.repositories.people import PeopleRepository
from storage.repositories.public import PublicRepository
from storage.repositories.reports import ReportRepository
from storage.repositories.rollups import RollupRepository
from storage.repositories.standing import StandingRepository
from storage.repositories.suggestions import SuggestionRepository
from storage.repositories.thanks_triggers import ThanksTriggerRepository


class UnitOfWork:
    session: Session
    members: MemberRepository
    organisations: OrganisationRepository
    credits: CreditRepository
    ledger: LedgerRepository
    inbox: InboxRepository
    activity: ActivityRepository
    inbox_claims: InboxClaimRepository
    standing: StandingRepository
    payments: PaymentRepository
    conduct: ConductRepository
    nudges: NudgeRepository
    outbox: OutboxRepository
    jobs: JobRunRepository
    reports: ReportRepository
    suggestions: SuggestionRepository
    leads: LeadRepository
    public: PublicRepository
    distinguished: DistinguishedRepository
    people: PeopleRepository
    erasure: ErasureRepository
    thanks_triggers: ThanksTriggerRepository
    rollups: RollupRepository
    monthly: MonthlyFigures

    def __init__(
        self,
        session_factory: sessionmaker[Session],
        *,
        outbox_clock: Callable[[], datetime] | None = None,
    ) -> None:
        """``outbox_clock``: when set, messages are due at its time, not at the ``now``
        a job passes (a run "as of" another moment still sends at once)."""
        self._factory = session_factory
        self._outbox_clock = outbox_clock

    def __enter__(self) -> UnitOfWork:
        self.session = self._factory()
        self.members = MemberRepository(self.session)
        self.organisations = OrganisationRepository(self.session)
        self.credits = CreditRepository(self.session)
        self.ledger = LedgerRepository(self.session)
        self.inbox = InboxRepository(self.session)
        self.activity = ActivityRepository(self.session)
        self.inbox_claims = InboxClaimRepository(self.session)
        self.standing = StandingRepository(self.session)
        self.payments = PaymentRepository(self.session)
        self.conduct = ConductRepository(self.session)
        self.nudges = NudgeRepository(self.session)
        self.outbox = OutboxRepository(self.session, clock=self._outbox_clock)
        self.jobs = JobRunRepository(self.session)
        self.reports = ReportRepository(self.session)
        self.suggestions = SuggestionRepository(self.session)
        self.leads = LeadRepository(self.session)
        self.public = PublicRepository(self.session)
        self.distinguished = DistinguishedRepository(self.session)
        self.people = PeopleRepository(self.session)
        self.erasure = ErasureRepository(self.session)
        self.thanks_triggers = ThanksTriggerRepository(self.session)
        self.rollups = RollupRepository(self.session)
        self.monthly = MonthlyFigures(self.session)
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
        if isinstance(exc, IntegrityError):
            raise ConflictingWrite(str(exc.orig)) from exc

    def commit(self) -> None:
        self.session.commit()

    def rollback(self) -> None:
        self.session.rollback()
