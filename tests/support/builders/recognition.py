"""A Distinguished Contributor cycle for the recognition scenarios: nominated, voted on
and decided through the services (the outbox worker then delivers it).

The 2026 cycle (``decide_2026``), panel U0PANEL1-3, decided on 1 December 2026:

| nominee | track | forum account | outcome |
|---|---|---|---|
| Ann Archer (Acme) | engineer | ann | approved |
| Bob Baker (Beta) | engineer | bob | approved |
| Cy Cole (independent) | advocate | none | approved |
| Dee Dunn (asked not to be named) | innovator | dee | approved |
| Eli Eriksen | engineer | eli | declined |
| Acme Learning | partner | - | approved |
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.runtime import Runtime
from bot.services.distinguished.cycle import decide_cycle, nominate, vote
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from tests.support.clock import FixedClock

NOMINATED_AT = datetime(2026, 9, 15, 10, 0, tzinfo=UTC)
DECIDED_AT = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
PANEL = ("U0PANEL1", "U0PANEL2", "U0PANEL3")
SECRET_JUSTIFICATION = "SECRET-JUSTIFICATION-7731"
NOMINATOR = "U0NOMINATOR"

#: Slack id, name, e-mail, forum username
PEOPLE = {
    "ann": ("U0ANN", "Ann Archer", "ann@acme.example", "ann"),
    "bob": ("U0BOB", "Bob Baker", "bob@beta.example", "bob"),
    "cy": ("U0CY", "Cy Cole", "cy@gmail.com", None),
    "dee": ("U0DEE", "Dee Dunn", "dee@gmail.com", "dee"),
    "eli": ("U0ELI", "Eli Eriksen", "eli@gmail.com", "eli"),
}
#: nominee (Slack id or organisation slug), track, approved
NOMINATIONS = (
    ("U0ANN", "engineer", True),
    ("U0BOB", "engineer", True),
    ("U0CY", "advocate", True),
    ("U0DEE", "innovator", True),
    ("U0ELI", "engineer", False),
    ("acme", "partner", True),
)


def add_people(runtime: Runtime) -> None:
    with runtime.uow() as uow:
        for key, (slack_id, name, email, username) in PEOPLE.items():
            identities = [
                Identity(IdentityKind.SLACK, slack_id),
                Identity(IdentityKind.EMAIL, email),
            ]
            if username:
                identities.append(Identity(IdentityKind.DISCOURSE, username))
            member, _ = ensure_member(uow, runtime.config, identities, name, NOMINATED_AT)
            if key == "dee":
                uow.members.set_flags(member.id, show_publicly=False)
        uow.commit()


def decide_2026(runtime: Runtime, clock: FixedClock) -> list[str]:
    """Nominate, vote and decide the 2026 cycle (see the module's table); the outbox keys
    of the decision."""
    add_people(runtime)
    clock.set(NOMINATED_AT)
    with runtime.uow() as uow:
        for nominee, track, approved in NOMINATIONS:
            result = nominate(
                uow,
                runtime.config,
                nominator=NOMINATOR,
                nominee=nominee,
                track=track,
                justification=f"{SECRET_JUSTIFICATION} for {nominee}",
                links=["https://example.org/evidence"],
                now=clock.now,
            )
            for voter in PANEL[:2]:
                vote(
                    uow,
                    runtime.config,
                    nomination_id=result.nomination.id,
                    voter=voter,
                    vote="approve" if approved else "decline",
                    now=clock.now,
                )
        uow.commit()
    clock.set(DECIDED_AT)
    with runtime.uow() as uow:
        outcome = decide_cycle(uow, runtime.config, 2026, clock.now)
        uow.commit()
    return list(outcome.outbox_keys)
