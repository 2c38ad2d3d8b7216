"""Partner standing, payments and code-of-conduct records (programme managers' commands)."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import open_runtime, parse_month
from bot.cli.partners import register as register_partners
from bot.cli.standing_decisions import register_decisions
from bot.errors import InvalidInput
from bot.messages.standing import render_standing
from bot.runtime import Runtime
from bot.services.ledger.conduct import add_conduct_record, conduct_lines
from bot.services.organisations import known_organisation
from bot.services.partners.finance import (
    add_payment,
    check_months,
    coverage,
    parse_amount,
    parse_day,
)
from bot.services.partners.notices import late_records
from bot.services.partners.payments_csv import import_payments
from bot.services.partners.standing import standing_views
from scoring.months import Month
from storage.uow import UnitOfWork


class StandingFormat(StrEnum):
    text = "text"
    json = "json"


finance = typer.Typer(
    help="Payments towards the partners' financial minimum.", no_args_is_help=True
)
conduct = typer.Typer(help="Code-of-conduct records (private).", no_args_is_help=True)


standing_app = typer.Typer(
    help="Partner standing for a month (as evaluated, or a preview); waive and reset.",
    invoke_without_command=True,
)


@standing_app.callback()
def standing(
    ctx: typer.Context,
    month: Annotated[
        str | None, typer.Option(help="YYYY-MM; default: the month just ended")
    ] = None,
    format: Annotated[StandingFormat, typer.Option("--format", help="output format")] = (
        StandingFormat.text
    ),
) -> None:
    """Partner standing for a month: as evaluated by `jobs run standing`, or a preview."""
    if ctx.invoked_subcommand is not None:
        return
    runtime = open_runtime()
    chosen = parse_month(month, runtime)
    with runtime.reader() as uow:
        views = standing_views(uow, runtime.config, chosen)
    if format == StandingFormat.json:
        typer.echo(json.dumps([v.to_json() for v in views], ensure_ascii=False))
        return
    typer.echo(render_standing(chosen, views))


@finance.command("add")
def finance_add(
    organisation: Annotated[str, typer.Option("--org", help="organisation slug")],
    day: Annotated[str, typer.Option("--date", help="day paid (YYYY-MM-DD)")],
    amount: Annotated[str, typer.Option(help="amount in the currency, e.g. 120.50")],
    currency: Annotated[str, typer.Option(help="ISO code, e.g. USD, EUR")] = "USD",
    ref: Annotated[str | None, typer.Option(help="unique reference (an invoice number...)")] = None,
    note: Annotated[str, typer.Option(help="free text")] = "",
    months: Annotated[
        str, typer.Option(help="months it covers from the month paid (1-36), spread evenly")
    ] = "1",
) -> None:
    """Record one payment by an organisation."""
    runtime = open_runtime()
    config = runtime.config
    covered = check_months(months, "--months")
    try:
        paid_on = parse_day(day, config, runtime.now().astimezone(config.tz).date())
    except InvalidInput as error:
        raise InvalidInput(f"--date: {error}") from None
    try:
        value = parse_amount(amount)
    except InvalidInput as error:
        raise InvalidInput(f"--amount: {error}") from None
    with runtime.uow() as uow:
        made = add_payment(
            uow,
            config,
            organisation,
            paid_on,
            value,
            currency,
            runtime.now(),
            ref=ref,
            note=note,
            months=covered,
        )
        late = _late(uow, runtime) if made is not None else []
        uow.commit()
    if made is None:
        typer.echo("already recorded: the same payment (or reference); nothing added")
        return
    typer.echo(
        f"recorded {made.amount_cents / 100:,.2f} {made.currency} from {organisation} on "
        f"{paid_on} (${made.amount_usd_cents / 100:,.2f}){coverage(made)}"
    )
    _say_late(late)


@finance.command("import")
def finance_import(
    file: Annotated[Path, typer.Argument(help="an Open Collective transactions export (.csv)")],
) -> None:
    """Import payments from a CSV; a file with a bad line stores nothing."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        result = import_payments(uow, runtime.config, file, runtime.now())
        late = _late(uow, runtime) if result.added else []
        uow.commit()
    typer.echo(
        f"{result.lines} lines: {result.added} payments added, {result.already_known} already "
        f"known, {result.not_payments} not payments (fees, expenses, refunds), "
        f"{result.unmatched_lines} from contributors matching no organisation"
    )
    for line in result.notes:
        typer.echo(f"note: {line}")
    _say_late(late)
    if result.unmatched:
        shown = ", ".join(result.unmatched[:10])
        more = f" and {len(result.unmatched) - 10} more" if len(result.unmatched) > 10 else ""
        typer.echo(
            f"unmatched contributors: {shown}{more} (map them with finance.aliases in "
            "creditbot.yml if they are organisations)"
        )


def _late(uow: UnitOfWork, runtime: Runtime) -> list[str]:
    """Report payments recorded late for an evaluated month to programme managers."""
    latest = Month.of(runtime.now().astimezone(runtime.config.tz).date()).previous()
    return late_records(uow, runtime.config, latest, runtime.now())


def _say_late(keys: list[str]) -> None:
    if keys:
        typer.echo(
            "recorded after its month was evaluated: programme managers are told privately, "
            "with the `creditbot standing waive` command that would apply it"
        )


@finance.command("list")
def finance_list(
    organisation: Annotated[str, typer.Option("--org", help="organisation slug")],
) -> None:
    """An organisation's latest payments, and which months each covers."""
    runtime = open_runtime()
    with runtime.reader() as uow:
        known_organisation(uow, organisation)
        payments = uow.payments.for_organisation(organisation)
    if not payments:
        typer.echo(f"no payment recorded for {organisation}")
    for p in payments:
        typer.echo(
            f"{p.paid_on} {p.amount_cents / 100:>12,.2f} {p.currency} "
            f"(${p.amount_usd_cents / 100:,.2f}) {p.source} {p.note}".rstrip()
            + coverage(p)
        )


@conduct.command("add")
def conduct_add(
    day: Annotated[str, typer.Option("--date", help="day of the incident (YYYY-MM-DD)")],
    note: Annotated[str, typer.Option(help="what happened (private)")],
    organisation: Annotated[
        str | None, typer.Option("--org", help="against an organisation (slug)")
    ] = None,
    member: Annotated[
        str | None, typer.Option("--member", help="against a member (Slack id, e-mail...)")
    ] = None,
    by: Annotated[str | None, typer.Option(help="who records it")] = None,
) -> None:
    """Record a code-of-conduct incident (private: shown only by `conduct list`)."""
    runtime = open_runtime()
    try:
        occurred = parse_day(
            day, runtime.config, runtime.now().astimezone(runtime.config.tz).date()
        )
    except InvalidInput as error:
        raise InvalidInput(f"--date: {error}") from None
    with runtime.uow() as uow:
        record_id = add_conduct_record(
            uow,
            occurred,
            note,
            runtime.now(),
            organisation=organisation,
            member=member,
            recorded_by=by or "cli",
        )
        uow.commit()
    typer.echo(f"conduct record {record_id} added")


@conduct.command("list")
def conduct_list() -> None:
    """Every code-of-conduct record, newest first (private: for programme managers)."""
    runtime = open_runtime()
    with runtime.reader() as uow:
        lines = conduct_lines(uow)
    if not lines:
        typer.echo("no conduct record")
    for line in lines:
        r = line.record
        typer.echo(f"#{r.id} {r.occurred_on} against {line.against} (by {r.recorded_by or '?'})")
        typer.echo(f"    {r.note}")


def register(app: typer.Typer) -> None:
    register_decisions(standing_app)
    app.add_typer(standing_app, name="standing")
    register_partners(app)
    app.add_typer(finance, name="finance")
    app.add_typer(conduct, name="conduct")
