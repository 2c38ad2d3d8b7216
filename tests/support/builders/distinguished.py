"""A panel of four, people, credits, nominations, votes and decisions of the Distinguished
Contributor programme, through its services (the integration tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.runtime import Runtime
from bot.services.distinguished.cycle import NominationResult, decide, nominate, vote
from bot.services.ledger.credits import record_credit
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind, Member
from storage.repositories.outbox import OutboxMessage
from tests.support.clock import FixedClock

PANEL = ("U0PANEL1", "U0PANEL2", "U0PANEL3", "U0PANEL4")
IN_WINDOW = datetime(2026, 10, 1, 12, 0, tzinfo=UTC)
DECISION_DAY = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


def person(
    runtime: Runtime,
    slack_id: str,
    name: str,
    *,
    forum: str | None = None,
    email: str | None = None,
) -> Member:
    """A member with a Slack identity (and optionally a forum username and an e-mail)."""
    identities = [Identity(IdentityKind.SLACK, slack_id)]
    if forum:
        identities.append(Identity(IdentityKind.DISCOURSE, forum))
    if email:
        identities.append(Identity(IdentityKind.EMAIL, email))
    with runtime.uow() as uow:
        member, _ = ensure_member(uow, runtime.config, identities, name, runtime.now())
        uow.commit()
    return member


def credit(runtime: Runtime, member: Member, kind: str, day: date, points: int) -> None:
    when = datetime(day.year, day.month, day.day, 12, tzinfo=UTC)
    with runtime.uow() as uow:
        record_credit(
            uow,
            runtime.config,
            member,
            kind,
            when,
            "test",
            f"{member.id}:{kind}:{day}:{points}",
            when,
            points=points,
        )
        uow.commit()


def nominate_now(
    runtime: Runtime,
    nominee: str,
    track: str = "engineer",
    justification: str = "Keeps the build green and reviews everything.",
    *,
    nominator: str = "U0NOMINATOR",
    links: list[str] | None = None,
) -> NominationResult:
    with runtime.uow() as uow:
        result = nominate(
            uow,
            runtime.config,
            nominator=nominator,
            nominee=nominee,
            track=track,
            justification=justification,
            links=links or [],
            now=runtime.now(),
        )
        uow.commit()
    return result


def cast(runtime: Runtime, nomination_id: int, voter: str, value: str) -> None:
    with runtime.uow() as uow:
        vote(
            uow,
            runtime.config,
            nomination_id=nomination_id,
            voter=voter,
            vote=value,
            now=runtime.now(),
        )
        uow.commit()


def decide_at(
    runtime: Runtime, clock: FixedClock, cycle: int = 2026, at: datetime = DECISION_DAY
) -> list[Any]:
    clock.set(at)
    with runtime.uow() as uow:
        decisions = decide(uow, runtime.config, cycle, runtime.now())
        uow.commit()
    return decisions


def outbox(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.reader() as uow:
        return uow.outbox.list(limit=1000)


def outbox_keys(runtime: Runtime) -> list[str]:
    return sorted(m.key for m in outbox(runtime))
