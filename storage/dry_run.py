"""A unit of work that keeps nothing: what a job *would* record and send (``--dry-run``).

It runs the job's reads and writes inside its transaction as usual; ``commit`` only
flushes and notes what changed (rows added per table, outbox messages written), and
leaving the block rolls everything back. One :class:`DryRunLog` gathers the notes of
every unit of work a job opens.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session, SQLModel

from storage.repositories.outbox import OutboxMessage, _to_message
from storage.tables import OutboxRow, columns
from storage.uow import UnitOfWork

_outbox = columns(OutboxRow)


@dataclass
class DryRunLog:
    """What the dry run's units of work would have committed."""

    rows_added: Counter[str] = field(default_factory=Counter)
    messages: list[OutboxMessage] = field(default_factory=list)


class DryRunUnitOfWork(UnitOfWork):
    """Commits nothing; ``commit`` records what it would have committed in ``log``."""

    def __init__(
        self,
        factory: sessionmaker[Session],
        log: DryRunLog,
        *,
        outbox_clock: Callable[[], datetime] | None = None,
    ) -> None:
        super().__init__(factory, outbox_clock=outbox_clock)
        self._log = log
        self._counts: dict[str, int] = {}
        self._last_outbox_id = 0

    def __enter__(self) -> DryRunUnitOfWork:
        super().__enter__()
        self._counts = self._table_counts()
        self._last_outbox_id = self.session.execute(select(func.max(_outbox.id))).scalar() or 0
        return self

    def commit(self) -> None:
        self.session.flush()
        after = self._table_counts()
        for name, count in after.items():
            if count > self._counts.get(name, 0):
                self._log.rows_added[name] += count - self._counts.get(name, 0)
        self._counts = after
        rows = self.session.execute(
            select(OutboxRow).where(_outbox.id > self._last_outbox_id).order_by(_outbox.id)
        ).scalars()
        for row in rows:
            self._log.messages.append(_to_message(row))
            self._last_outbox_id = max(self._last_outbox_id, row.id or 0)

    def _table_counts(self) -> dict[str, int]:
        return {
            name: int(self.session.execute(select(func.count()).select_from(table)).scalar() or 0)
            for name, table in SQLModel.metadata.tables.items()
        }
