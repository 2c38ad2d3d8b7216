"""The partner-standing step of ``creditbot demo``: one partner slides down the ladder,
one comes back.

On the demo's three months (August to October 2026) with the default rules (a 3-month
window, 10 points a month or 0.5 per employee, $100 a month adjusted by the Big Mac
index): Acme pays every month; Beta's August payment is missing when August is
evaluated (a private warning) and is recorded before September, which brings Beta back;
Gamma pays nothing and goes from a warning to paused referrals to removal from the
partner list, with a neutral public note.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from bot.messages.standing import render_standing
from bot.runtime import Runtime
from bot.services.partners.finance import add_payment
from bot.services.partners.standing import run_standing, standing_views
from scoring.months import Month

DEMO_MONTHS = (Month(2026, 8), Month(2026, 9), Month(2026, 10))


def _pay(runtime: Runtime, slug: str, day: date, amount: str) -> None:
    with runtime.uow() as uow:
        add_payment(
            uow, runtime.config, slug, day, Decimal(amount), "USD", runtime.now(), source="demo"
        )
        uow.commit()


def _evaluate(runtime: Runtime, month: Month, echo: Callable[[str], None]) -> None:
    with runtime.uow() as uow:
        run = run_standing(uow, runtime.config, month, runtime.now())
        uow.commit()
    steps = ", ".join(
        f"{r.organisation.slug} level {r.change.step.level}"
        + ("" if r.evaluation.good_standing else f" ({len(r.evaluation.reasons)} short)")
        for r in run.results
    )
    echo(f"  evaluated {month}: {steps}")


def run_standing_demo(runtime: Runtime, echo: Callable[[str], None] = print) -> None:
    """Evaluate the demo's months in order and print what partner standing would send."""
    echo("")
    echo("Partner standing (August to October 2026)")
    for month in DEMO_MONTHS:
        _pay(runtime, "acme", month.first_day().replace(day=3), "120")
    for month in DEMO_MONTHS[1:]:
        _pay(runtime, "beta", month.first_day().replace(day=5), "110")
    _evaluate(runtime, DEMO_MONTHS[0], echo)
    echo("  Beta's August payment ($110 on 2026-08-28) is recorded after its warning")
    _pay(runtime, "beta", date(2026, 8, 28), "110")
    for month in DEMO_MONTHS[1:]:
        _evaluate(runtime, month, echo)

    with runtime.reader() as uow:
        messages = [m for m in sorted(uow.outbox.list(limit=500), key=lambda m: m.id)]
        views = standing_views(uow, runtime.config, DEMO_MONTHS[-1])
    echo("")
    echo("What partner standing would send:")
    for m in messages:
        if not m.key.startswith("standing:"):
            continue
        where = f"#{m.target}" if m.kind == "post" else f"private message to {m.target}"
        echo(f"- {where} ({m.key})")
        for line in str(m.payload.get("text", "")).splitlines():
            echo(f"    {line}" if line else "")
    echo("")
    echo(render_standing(DEMO_MONTHS[-1], views))
