"""``creditbot thanks stats [--since]``: which thank-you rules and phrases leads agree with.

For each rule that chose the helper (``mention``, ``name``, ``quote``, ``reference``,
``reporter``, ``latest``) and each phrase the thanks was read by, how many questions it
raised and how many team leads answered Yes and No. A phrase the leads keep refusing can
be dropped in ``creditbot.yml`` (``thanks.disabled_phrases``, or per language under
``thanks.languages``).
"""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.common import open_runtime
from bot.errors import InvalidInput
from bot.services.ledger.importing import parse_moment

thanks = typer.Typer(help="Thank-you detection: what raised questions, and the answers.")


@thanks.command("stats")
def thanks_stats(
    since: Annotated[
        str | None, typer.Option(help="only questions raised from this date (YYYY-MM-DD)")
    ] = None,
) -> None:
    """For each rule and phrase that raised questions: asked, answered Yes, answered No."""
    try:
        start = parse_moment(since) if since else None
    except InvalidInput as error:
        raise InvalidInput(f"--since: {error}") from None
    runtime = open_runtime()
    with runtime.reader() as uow:
        counts = uow.thanks_triggers.counts(start)
    if not counts:
        typer.echo("No thank-you questions" + (f" since {since}." if since else " yet."))
        return
    width = max(len(f"{c.rule} / {c.phrase}") for c in counts)
    typer.echo(f"{'rule / phrase':<{width}}  asked  yes   no  open")
    for c in counts:
        waiting = c.asked - c.yes - c.no
        label = f"{c.rule} / {c.phrase}"
        typer.echo(f"{label:<{width}}  {c.asked:>5}  {c.yes:>3}  {c.no:>3}  {waiting:>4}")


def register(app: typer.Typer) -> None:
    app.add_typer(thanks, name="thanks")
