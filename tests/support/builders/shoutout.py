"""People with Slack and forum identities, and their credits (the shout-out tests)."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.runtime import Runtime
from bot.services.ledger.credits import record_credit, withdraw_credit
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from scoring.months import Month
from tests.support.months import OCT, SEP

# name -> (Slack id, forum username, e-mail)
PEOPLE: dict[str, tuple[str | None, str | None, str]] = {
    "Alice Martin": ("U01ALICE", "alice", "alice@acme.example"),
    "Bob Chen": ("U01BOB", None, "bob@beta.example"),
    "Esther Okafor": (None, "esther", "esther@beta.example"),
    "Hugo Laurent": ("U01HUGO", None, "hugo@project.example"),  # the staff organisation
    "Jon Park": (None, None, "jon@gmail.com"),
}


def give(
    runtime: Runtime, name: str, month: Month, points: int, day: int = 10, ref: str = ""
) -> str:
    """``points`` of code credited to ``name`` on ``day`` of ``month``; the credit's ref."""
    slack, forum, email = PEOPLE[name]
    identities = [Identity(IdentityKind.EMAIL, email)]
    if slack:
        identities.append(Identity(IdentityKind.SLACK, slack))
    if forum:
        identities.append(Identity(IdentityKind.DISCOURSE, forum))
    when = datetime(month.year, month.month, day, 12, tzinfo=UTC)
    reference = ref or f"{email}:{month}:{day}:{points}"
    with runtime.uow() as uow:
        member, _ = ensure_member(uow, runtime.config, identities, name, when)
        uow.members.seen(member.id, when)
        record_credit(
            uow, runtime.config, member, "code", when, "test", reference, when, points=points
        )
        uow.commit()
    return reference


def withdraw(runtime: Runtime, reference: str) -> None:
    with runtime.uow() as uow:
        withdraw_credit(uow, "test", reference, runtime.now(), "U01LEAD", "a mistake")
        uow.commit()


def september_and_october(runtime: Runtime) -> None:
    """Acme leads in September, Beta overtakes it in October; Hugo is staff."""
    give(runtime, "Alice Martin", SEP, 10)
    give(runtime, "Bob Chen", SEP, 4)
    give(runtime, "Alice Martin", OCT, 5)
    give(runtime, "Bob Chen", OCT, 6)
    give(runtime, "Esther Okafor", OCT, 3)
    give(runtime, "Hugo Laurent", OCT, 20)
    give(runtime, "Jon Park", OCT, 2)
