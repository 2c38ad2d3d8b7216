"""The demo's forum step goes through the webhook code and the service, and shows the credit."""

from __future__ import annotations

from bot.demo.discourse import run_discourse_demo
from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from tests.support.clock import FixedClock


def test_the_demo_turns_a_signed_accepted_solution_into_one_support_credit(
    runtime: Runtime, clock: FixedClock
) -> None:
    with runtime.uow() as uow:
        ensure_member(
            uow,
            runtime.config,
            [
                Identity(IdentityKind.DISCOURSE, "esther"),
                Identity(IdentityKind.EMAIL, "esther@beta.example"),
            ],
            "Esther Okafor",
            clock(),
        )
        uow.commit()
    lines: list[str] = []

    run_discourse_demo(runtime, lines.append)

    shown = "\n".join(lines)
    assert "accepted_solution -> 200 accepted" in shown
    assert "credited Esther Okafor: support, 2 points on 2026-11-01 (beta)" in shown
    assert "new event id -> 200 duplicate" in shown
    with runtime.reader() as uow:
        credit = uow.credits.by_ref("discourse", "solution:4127")
    assert credit is not None and not credit.withdrawn
