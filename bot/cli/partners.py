"""``creditbot partners eligible [--month YYYY-MM]``: organisations that qualify as partners."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.common import open_runtime, parse_month
from bot.services.partners.admission import eligible_organisations

partners = typer.Typer(help="The partner programme's admissions.", no_args_is_help=True)


@partners.command("eligible")
def partners_eligible(
    month: Annotated[
        str | None,
        typer.Option(help="YYYY-MM, the window's last month; default: the month just ended"),
    ] = None,
) -> None:
    """Organisations that are not partners and met every minimum in each month of the
    admission window (``partner_rules.window_months``), with their figures."""
    runtime = open_runtime()
    chosen = parse_month(month, runtime)
    with runtime.reader() as uow:
        verdicts = eligible_organisations(uow, runtime.config, chosen)
        names = {o.slug: o.name for o in uow.organisations.all()}
    window = runtime.config.partner_rules.window_months
    if not verdicts:
        typer.echo(f"no organisation qualifies as a partner at the end of {chosen}")
        return
    typer.echo(f"Organisations qualifying as partners ({window} months to {chosen}):")
    for v in verdicts:
        typer.echo(f"{v.slug:<16} {names.get(v.slug, v.slug)}: {v.figures()}")


def register(app: typer.Typer) -> None:
    app.add_typer(partners, name="partners")
