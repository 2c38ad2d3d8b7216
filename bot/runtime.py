"""What every entry point (CLI, HTTP app, scheduler, tests) builds once and passes down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from bot.config import ProgrammeConfig, Settings, load_config
from bot.errors import CreditbotError
from storage.engine import make_engine, make_session_factory
from storage.migrate import current_revision, head_revision
from storage.uow import UnitOfWork

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The only place that reads the wall clock."""
    return datetime.now(UTC)


class SchemaOutOfDate(CreditbotError):
    def __init__(self, current: str | None, head: str | None) -> None:
        state = "has no schema yet" if current is None else f"is at revision {current}"
        super().__init__(
            f"the database {state}, the code needs {head}; run `creditbot db upgrade` first"
        )


@dataclass
class Runtime:
    settings: Settings
    config: ProgrammeConfig
    engine: Engine
    clock: Clock = system_clock
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _read_sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = make_session_factory(self.engine)
        self._read_sessions = make_session_factory(self.engine, read_only=True)

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        config: ProgrammeConfig | None = None,
        clock: Clock = system_clock,
    ) -> Runtime:
        settings = settings or Settings()
        config = config or load_config(settings.creditbot_config)
        return cls(settings, config, make_engine(settings.database_url), clock)

    def uow(self) -> UnitOfWork:
        """A unit of work that may write (one transaction)."""
        return UnitOfWork(self._sessions)

    def reader(self) -> UnitOfWork:
        """A unit of work for reading only (takes no write lock)."""
        return UnitOfWork(self._read_sessions)

    def now(self) -> datetime:
        return self.clock()

    def check_schema(self) -> None:
        """Refuse to work on a schema older (or newer) than the code."""
        current, head = current_revision(self.engine), head_revision()
        if current != head:
            raise SchemaOutOfDate(current, head)

    def sync_organisations(self) -> None:
        """Bring the configured organisations into the database, and the maintained
        monthly figures into the configured timezone (rebuilt from the ledger when the
        timezone changed, or when they were never built)."""
        with self.uow() as uow:
            uow.organisations.sync(self.config.domain_organisations())
            if uow.rollups.timezone() != self.config.timezone:
                uow.rollups.rebuild(self.config.tz)
            uow.commit()

    def close(self) -> None:
        self.engine.dispose()
