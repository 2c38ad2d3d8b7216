"""Service-level helpers that work on any unit of work: the SQL one of a runtime or the
in-memory fake (:mod:`storage.memory`), through the Protocols of :mod:`storage.protocols`."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.config import ProgrammeConfig
from bot.services.ledger.credits import record_credit
from bot.services.ledger.members import ensure_member
from scoring.models import Credit, Identity, IdentityKind
from scoring.months import Month
from storage.memory import InMemoryUnitOfWork
from storage.protocols import LedgerWork


def in_memory(config: ProgrammeConfig) -> InMemoryUnitOfWork:
    """An empty in-memory unit of work holding the configured organisations."""
    return InMemoryUnitOfWork(config.domain_organisations(), config.tz)


def credit_email(
    uow: LedgerWork,
    config: ProgrammeConfig,
    email: str,
    month: Month,
    points: int,
    day: int = 10,
    kind: str = "code",
) -> Credit | None:
    """``points`` of ``kind`` credited to the member with ``email`` (created if new) on
    ``day`` of ``month``, at noon UTC; None when that credit was recorded already."""
    when = datetime(month.year, month.month, day, 12, tzinfo=UTC)
    identities = [Identity(IdentityKind.EMAIL, email)]
    member, _ = ensure_member(uow, config, identities, email.split("@")[0], when)
    reference = f"{email}:{month}:{day}:{points}"
    return record_credit(uow, config, member, kind, when, "test", reference, when, points=points)
