"""What every entry point (CLI, HTTP app, scheduler, tests) builds once and passes down."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from sqlalchemy import Engine
from sqlalchemy.orm import sessionmaker
from sqlmodel import Session

from bot.config import ProgrammeConfig, Settings, load_config
from bot.errors import SchemaOutOfDate
from storage.dry_run import DryRunLog, DryRunUnitOfWork
from storage.engine import make_engine, make_session_factory
from storage.migrate import current_revision, head_revision
from storage.uow import UnitOfWork

Clock = Callable[[], datetime]


def system_clock() -> datetime:
    """The only place that reads the wall clock."""
    return datetime.now(UTC)


@dataclass
class Runtime:
    settings: Settings
    config: ProgrammeConfig
    engine: Engine
    clock: Clock = system_clock
    #: The real clock when ``clock`` pretends another moment (``jobs run --at``): the
    #: outbox dates its messages by it, so they are due at once, and a period is due by it.
    wall_clock: Clock | None = None
    #: Set by ``jobs run --dry-run``: every unit of work rolls back and notes what it did.
    dry_run: DryRunLog | None = None
    _sessions: sessionmaker[Session] = field(init=False, repr=False)
    _read_sessions: sessionmaker[Session] = field(init=False, repr=False)
    _checked_sessions: sessionmaker[Session] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self._sessions = make_session_factory(self.engine)
        self._read_sessions = make_session_factory(self.engine, read_only=True)
        self._checked_sessions = make_session_factory(self.engine, references_checked=True)

    @classmethod
    def from_settings(
        cls,
        settings: Settings | None = None,
        config: ProgrammeConfig | None = None,
        clock: Clock = system_clock,
    ) -> Runtime:
        settings = settings or Settings()
        # CREDITBOT_CONFIG set (environment or .env) must name a file; unset, a missing
        # ./creditbot.yml means the defaults
        named = "CREDITBOT_CONFIG" if "creditbot_config" in settings.model_fields_set else None
        config = config or load_config(settings.creditbot_config, named_by=named)
        return cls(settings, config, make_engine(settings.database_url), clock)

    def uow(self, *, references_checked: bool = False) -> UnitOfWork:
        """A unit of work that may write (one transaction); with ``references_checked``
        its caller vouches that every row it writes names rows that exist (a bulk import:
        SQLite then skips a foreign-key look-up per row)."""
        if self.dry_run is not None:
            return DryRunUnitOfWork(self._sessions, self.dry_run, outbox_clock=self.wall_clock)
        sessions = self._checked_sessions if references_checked else self._sessions
        return UnitOfWork(sessions, outbox_clock=self.wall_clock)

    def reader(self) -> UnitOfWork:
        """A unit of work for reading only (takes no write lock)."""
        return UnitOfWork(self._read_sessions)

    def now(self) -> datetime:
        return self.clock()

    def wall_now(self) -> datetime:
        """The real moment, even while ``now`` pretends another one."""
        return (self.wall_clock or self.clock)()

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
