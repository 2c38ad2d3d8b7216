"""``creditbot standing waive|reset|history``: a programme manager's audited decisions."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.common import deliver_now, open_runtime
from bot.messages.standing import level_words
from bot.runtime import Runtime
from bot.services.organisations import known_organisation
from bot.services.partners.decisions import DecisionResult, reset_standing, waive_month
from scoring.months import Month


def standing_waive(
    organisation: Annotated[str, typer.Option("--org", help="partner slug")],
    month: Annotated[str, typer.Option(help="YYYY-MM, an evaluated month")],
    reason: Annotated[str, typer.Option(help="why (kept in the standing history)")],
) -> None:
    """Count an evaluated month as good; later evaluated months are restated from it."""
    runtime = open_runtime()
    chosen = Month.parse(month)
    with runtime.uow() as uow:
        result = waive_month(uow, runtime.config, organisation, chosen, reason, runtime.now())
        uow.commit()
    _report(runtime, result)


def standing_reset(
    organisation: Annotated[str, typer.Option("--org", help="partner slug")],
    reason: Annotated[str, typer.Option(help="why (kept in the standing history)")],
) -> None:
    """Put a partner back to level 0 from its latest evaluated month (listed, referrals on)."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        result = reset_standing(uow, runtime.config, organisation, reason, runtime.now())
        uow.commit()
    _report(runtime, result)


def standing_history(
    organisation: Annotated[str, typer.Option("--org", help="partner slug")],
) -> None:
    """A partner's evaluated months and the waives and resets decided on them."""
    runtime = open_runtime()
    with runtime.reader() as uow:
        known_organisation(uow, organisation)
        steps = uow.standing.history(organisation)
        decisions = uow.standing.decisions(organisation)
    if not steps:
        typer.echo(f"{organisation}: no evaluated month yet")
    for s in steps:
        marks = [m for m in ("waived", "reset") if m in s.details]
        shown = f" [{', '.join(marks)}]" if marks else ""
        state = "good standing" if s.good_standing else f"{len(s.reasons)} short"
        typer.echo(f"{s.month} {state}: {level_words(s.level)}{shown}")
    for d in decisions:
        typer.echo(f"decision {d.id} on {d.decided_at:%Y-%m-%d}: {d.kind} {d.month}: {d.reason}")


def _report(runtime: Runtime, result: DecisionResult) -> None:
    """Say what changed, and deliver the partner's messages now."""
    typer.echo(result.summary)
    if not result.outbox_keys:
        return
    drained = deliver_now(runtime, result.outbox_keys)
    for sent in drained.sent:
        typer.echo(f"sent {sent.key} ({sent.ref})")
    for left in drained.undelivered:
        typer.echo(f"left in the outbox for the worker: {left.key}: {left.error}")


def register_decisions(app: typer.Typer) -> None:
    app.command("waive")(standing_waive)
    app.command("reset")(standing_reset)
    app.command("history")(standing_history)
