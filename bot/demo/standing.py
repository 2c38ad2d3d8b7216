"""The partner-standing step of ``creditbot demo``: the ladder going down and coming back,
a programme manager's waive, one partner removed, and an organisation that qualifies.

On the demo's three months (August to October 2026) with the default rules (10 points a
month or 0.5 per employee, $100 a month adjusted by the Big Mac index, a 3-month
admission window): Acme pays every month; Beta pays nothing in August and September
(levels 1 and 2), pays in October and is back in good standing; its September payment,
recorded late, is reported to the programme managers with the waive command, which the
demo then applies. Gamma pays nothing and goes from a warning to paused referrals to
removal from the partner list, with a neutral public note. Delta, not a partner, meets
every minimum for three months and qualifies.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal

from bot.messages.standing import render_standing
from bot.runtime import Runtime
from bot.services.ledger.credits import record_credit
from bot.services.ledger.members import ensure_member
from bot.services.partners.admission import eligible_organisations
from bot.services.partners.decisions import waive_month
from bot.services.partners.finance import add_payment
from bot.services.partners.standing import run_standing, standing_views
from scoring.models import Identity, IdentityKind
from scoring.months import Month

DEMO_MONTHS = (Month(2026, 8), Month(2026, 9), Month(2026, 10))


def _pay(runtime: Runtime, slug: str, day: date, amount: str) -> None:
    with runtime.uow() as uow:
        add_payment(
            uow, runtime.config, slug, day, Decimal(amount), "USD", runtime.now(), source="demo"
        )
        uow.commit()


def _delta_contributes(runtime: Runtime) -> None:
    """Delta's people contribute 12 points a month and Delta pays $100 a month."""
    with runtime.uow() as uow:
        for month in DEMO_MONTHS:
            when = datetime(month.year, month.month, 12, 11, tzinfo=UTC)
            email = Identity(IdentityKind.EMAIL, "dana@delta.example")
            member, _ = ensure_member(uow, runtime.config, [email], "Dana Reyes", when)
            for n in range(3):
                record_credit(
                    uow,
                    runtime.config,
                    member,
                    "docs",
                    when,
                    "demo",
                    f"delta:{month}:{n}",
                    when,
                    points=4,
                )
        uow.commit()
    for month in DEMO_MONTHS:
        _pay(runtime, "delta", month.first_day().replace(day=4), "100")


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
    _pay(runtime, "beta", date(2026, 10, 5), "110")
    _delta_contributes(runtime)
    _evaluate(runtime, DEMO_MONTHS[0], echo)
    _evaluate(runtime, DEMO_MONTHS[1], echo)
    echo("  Beta's September payment ($110 on 2026-09-28) is recorded after September's evaluation")
    _pay(runtime, "beta", date(2026, 9, 28), "110")
    _evaluate(runtime, DEMO_MONTHS[2], echo)
    with runtime.uow() as uow:
        waived = waive_month(
            uow,
            runtime.config,
            "beta",
            DEMO_MONTHS[1],
            "payment made on time, recorded late",
            runtime.now(),
        )
        uow.commit()
    echo(f"  creditbot standing waive --org beta --month 2026-09: {waived.summary}")
    _print_outbox(runtime, echo)
    with runtime.reader() as uow:
        views = standing_views(uow, runtime.config, DEMO_MONTHS[-1])
        eligible = eligible_organisations(uow, runtime.config, DEMO_MONTHS[-1])
    echo("")
    echo(render_standing(DEMO_MONTHS[-1], views))
    echo("")
    echo("creditbot partners eligible --month 2026-10:")
    for verdict in eligible:
        echo(f"  {verdict.slug}: {verdict.figures()}")


def _print_outbox(runtime: Runtime, echo: Callable[[str], None]) -> None:
    with runtime.reader() as uow:
        messages = sorted(uow.outbox.list(limit=500), key=lambda m: m.id)
    echo("")
    echo("What partner standing would send:")
    for m in messages:
        if not m.key.startswith(("standing:", "partners:")):
            continue
        where = f"#{m.target}" if m.kind == "post" else f"private message to {m.target}"
        echo(f"- {where} ({m.key})")
        for line in str(m.payload.get("text", "")).splitlines():
            echo(f"    {line}" if line else "")
