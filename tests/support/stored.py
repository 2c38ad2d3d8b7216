"""Reading what the bot stored, straight from the database."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlmodel import SQLModel

from bot.runtime import Runtime
from scoring.models import Credit, Identity, IdentityKind, Member
from storage.tables import CreditRow, InboxRow, OutboxRow, SuggestionRow, columns


def count(runtime: Runtime, model: type[SQLModel]) -> int:
    """How many rows the table of ``model`` holds."""
    with runtime.engine.connect() as connection:
        return int(connection.execute(select(func.count()).select_from(model)).scalar_one())


def table_rows(runtime: Runtime, model: type[SQLModel]) -> list[dict[str, object]]:
    """Every row of the table of ``model``, as column -> value."""
    with runtime.engine.connect() as connection:
        return [dict(r._mapping) for r in connection.execute(select(model.__table__))]  # type: ignore[attr-defined]


def stored(runtime: Runtime) -> dict[str, int]:
    """How many credits, suggestions, outbox messages and inbox events are stored."""
    return {
        "credits": count(runtime, CreditRow),
        "suggestions": count(runtime, SuggestionRow),
        "outbox": count(runtime, OutboxRow),
        "inbox": count(runtime, InboxRow),
    }


def solution_credit(runtime: Runtime, post_id: int) -> Credit | None:
    """The credit for the accepted answer of forum post ``post_id``."""
    with runtime.reader() as uow:
        return uow.credits.by_ref("discourse", f"solution:{post_id}")


def forum_member(runtime: Runtime, username: str) -> Member | None:
    with runtime.reader() as uow:
        return uow.members.find(Identity(IdentityKind.DISCOURSE, username))


@dataclass(frozen=True)
class Entry:
    status: str
    attempts: int
    last_error: str | None
    next_attempt_at: datetime | None


def inbox_entry(runtime: Runtime, key: str) -> Entry:
    """The inbox entry of a Discourse event (it must exist)."""
    with runtime.reader() as uow:
        row = uow.session.execute(
            select(InboxRow).where(
                columns(InboxRow).source == "discourse", columns(InboxRow).key == key
            )
        ).scalar_one()
        return Entry(row.status, row.attempts, row.last_error, row.next_attempt_at)
