"""The in-memory unit of work (``storage.memory``) holds what the SQL one holds.

One scenario (members from Slack and e-mail, credits across months, a duplicate, a
withdrawal, four months of partner standing, a block rolled back) runs through the
services on both; what a user could then see (members, credits with their points and
organisation, each month's standing, every queued message) must be the same. A fake
that drifts from the database fails here, not in a fast test that trusts it.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.config import ProgrammeConfig
from bot.runtime import Runtime
from bot.services.ledger.credits import withdraw_credit
from bot.services.ledger.members import ensure_member
from bot.services.partners.standing import run_standing
from scoring.models import Identity, IdentityKind
from storage.memory import InMemoryUnitOfWork
from storage.uow import UnitOfWork
from tests.support.builders.partners import partner_rules
from tests.support.months import AUG, NOV, OCT, SEP
from tests.support.units import credit_email, in_memory

NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)
EMAILS = ("ann@acme.example", "bea@beta.example", "dmitri@gmail.com", "hugo@project.example")
#: (e-mail, month, points); the last line repeats one: it must be credited once.
CREDITS = (
    ("ann@acme.example", AUG, 10),
    ("ann@acme.example", SEP, 12),
    ("ann@acme.example", OCT, 4),
    ("bea@beta.example", AUG, 5),
    ("bea@beta.example", SEP, 2),
    ("bea@beta.example", OCT, 5),
    ("dmitri@gmail.com", OCT, 3),
    ("hugo@project.example", OCT, 8),
    ("ann@acme.example", SEP, 12),
)

Work = InMemoryUnitOfWork | UnitOfWork
Opener = Callable[[], AbstractContextManager[Work]]


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    return partner_rules(config_data)


def play(open_uow: Opener, config: ProgrammeConfig) -> dict[str, Any]:
    """Run the scenario on the units of work ``open_uow`` opens; what they then hold."""
    with open_uow() as uow:
        slack_first = datetime(2026, 8, 2, 12, tzinfo=UTC)
        ensure_member(uow, config, [Identity(IdentityKind.SLACK, "U0ANN")], "Ann", slack_first)
        uow.commit()
    with open_uow() as uow:
        # Ann's Slack account and e-mail become one member.
        identities = [
            Identity(IdentityKind.SLACK, "U0ANN"),
            Identity(IdentityKind.EMAIL, "Ann@Acme.example"),
        ]
        ensure_member(uow, config, identities, "Ann", slack_first)
        added = [credit_email(uow, config, *line) is not None for line in CREDITS]
        withdrawn = withdraw_credit(
            uow, "test", "bea@beta.example:2026-09:10:2", NOW, "U01LEAD", "a mistake"
        )
        uow.commit()
    with open_uow() as uow:
        credit_email(uow, config, "dmitri@gmail.com", NOV, 9)  # never committed
    runs = []
    for month in (AUG, SEP, OCT, NOV):
        with open_uow() as uow:
            run = run_standing(uow, config, month, NOW)
            uow.commit()
        runs.append((run.summary, [(r.organisation.slug, r.change.step) for r in run.results]))
    return {
        "added": added,
        "withdrawn": withdrawn is not None,
        "runs": runs,
        **held(open_uow),
    }


def held(open_uow: Opener) -> dict[str, Any]:
    """Members, credits, standing and the outbox, as a user could see them."""
    with open_uow() as uow:
        members = {
            email: (m.name, sorted((i.kind.value, i.value) for i in m.identities), m.first_seen)
            for email in EMAILS
            if (m := uow.members.find(Identity(IdentityKind.EMAIL, email))) is not None
        }
        credits = {}
        for email, month, points in CREDITS:
            ref = f"{email}:{month}:10:{points}"
            c = uow.credits.by_ref("test", ref)
            assert c is not None
            credits[ref] = (c.points, c.organisation, c.occurred_at, c.withdrawn)
        lost = uow.credits.by_ref("test", "dmitri@gmail.com:2026-11:10:9")
        standing = {
            str(month): {
                slug: (s.level, s.good_standing, s.reasons, s.listed, s.referrals_paused)
                for slug, s in uow.standing.for_month(month).items()
            }
            for month in (AUG, SEP, OCT, NOV)
        }
        outbox = sorted(
            (m.key, m.channel, m.kind, m.target, m.payload) for m in uow.outbox.list(limit=1000)
        )
        points = uow.monthly.organisation_points_in([str(m) for m in (AUG, SEP, OCT, NOV)])
    return {
        "members": members,
        "credits": credits,
        "uncommitted credit": lost,
        "standing": standing,
        "outbox": outbox,
        "points": points,
    }


def test_the_in_memory_unit_of_work_ends_up_holding_what_the_database_holds(
    runtime: Runtime,
) -> None:
    memory = in_memory(runtime.config)
    on_database = play(runtime.uow, runtime.config)
    in_memory_ = play(lambda: memory, runtime.config)
    assert in_memory_ == on_database
    # The scenario is not empty: it reached every part it compares.
    assert on_database["added"] == [True] * 8 + [False]
    assert on_database["withdrawn"] and on_database["uncommitted credit"] is None
    assert on_database["standing"]["2026-10"]["acme"][0] == 1
    assert on_database["points"]["2026-09"] == {"acme": 12}
    assert any(key.startswith("standing:acme:2026-10:dm:") for key, *_ in on_database["outbox"])
