"""``creditbot shoutout note --month YYYY-MM "text"`` and ``creditbot shoutout preview``."""

from __future__ import annotations

import json
from enum import StrEnum
from typing import Annotated

import typer

from bot.cli.common import open_runtime, parse_month
from bot.jobs.shoutout import set_note
from bot.messages.rendering import render_shoutout_markdown, render_shoutout_text, shoutout_title
from bot.messages.slack.shoutout import shoutout_message
from bot.services.ledger.shoutout import build_shoutout
from scoring.shoutout import ShoutoutContent

shoutout = typer.Typer(help="The monthly shout-out.", no_args_is_help=True)


class PreviewFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    slack = "slack"


@shoutout.command("note")
def shoutout_note(
    text: Annotated[str, typer.Argument(help="a few words from the programme team")],
    month: Annotated[str | None, typer.Option(help="YYYY-MM; default: the month just ended")] = (
        None
    ),
    by: Annotated[str | None, typer.Option(help="who writes it")] = None,
) -> None:
    """Add (or replace) a note shown at the top of a coming shout-out."""
    runtime = open_runtime()
    chosen = parse_month(month, runtime)
    set_note(runtime, chosen, text, by)
    typer.echo(f"note set for the {chosen.label()} shout-out")


@shoutout.command("preview")
def shoutout_preview(
    month: Annotated[str | None, typer.Option(help="YYYY-MM; default: the month just ended")] = (
        None
    ),
    format: Annotated[PreviewFormat, typer.Option("--format", help="what to show")] = (
        PreviewFormat.text
    ),
) -> None:
    """What the shout-out says (the published one, for a published month); sends nothing."""
    runtime = open_runtime()
    chosen = parse_month(month, runtime)
    with runtime.reader() as uow:
        published = uow.reports.published(str(chosen))
        if published is not None:
            content = ShoutoutContent.from_json(published.content["shoutout"])
        else:
            content, _report = build_shoutout(uow, runtime.config, chosen)
    if format == PreviewFormat.slack:
        typer.echo(json.dumps(shoutout_message(content), ensure_ascii=False, indent=2))
    elif format == PreviewFormat.markdown:
        typer.echo(f"# {shoutout_title(content)}\n\n{render_shoutout_markdown(content)}")
    else:
        typer.echo(render_shoutout_text(content))


def register(app: typer.Typer) -> None:
    app.add_typer(shoutout, name="shoutout")
