"""``creditbot discourse retry`` and ``creditbot discourse sync``."""

from __future__ import annotations

from datetime import timedelta
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import open_runtime
from bot.errors import MissingSetting
from bot.runtime import Runtime
from bot.services.ledger.importing import parse_moment

if TYPE_CHECKING:  # the forum's client is loaded only by the commands that talk to it
    from bot.discourse.gateway import PydiscourseGateway
    from bot.discourse.handlers import Outcome

discourse = typer.Typer(help="The Discourse forum.", no_args_is_help=True)

DEFAULT_SYNC_DAYS = 7


def _gateway_or_none(runtime: Runtime) -> PydiscourseGateway | None:
    from bot.discourse.gateway import make_discourse_gateway

    try:
        return make_discourse_gateway(runtime.settings)
    except MissingSetting:
        return None


def _show(outcomes: list[Outcome]) -> None:
    for outcome in outcomes:
        if outcome.status in ("retry", "failed"):
            typer.echo(f"  {outcome.key}: {outcome.message}", err=True)


@discourse.command("retry")
def retry() -> None:
    """Process the forum events still waiting (e.g. the forum was down), now."""
    from bot.discourse.handlers import process_pending_discourse

    runtime = open_runtime()

    result = process_pending_discourse(
        runtime, _gateway_or_none(runtime), runtime.now(), include_scheduled=True
    )
    counts = result.counts
    if not result.outcomes:
        typer.echo("no Discourse events waiting")
        return
    typer.echo(
        f"{counts['done']} processed, {counts['ignored']} ignored, "
        f"{counts['retry']} still waiting, {counts['failed']} unreadable"
    )
    _show(result.outcomes)
    if counts["retry"] or counts["failed"]:
        raise typer.Exit(1)


@discourse.command("sync")
def sync(
    since: Annotated[
        str | None,
        typer.Option(
            help=f"ISO-8601 date or date-time (UTC); default: {DEFAULT_SYNC_DAYS} days ago"
        ),
    ] = None,
) -> None:
    """Pull posts and accepted solutions from the forum API (when webhooks cannot arrive)."""
    from bot.discourse.gateway import make_discourse_gateway
    from bot.discourse.sync import sync_forum

    runtime = open_runtime()
    now = runtime.now()
    start = parse_moment(since) if since else now - timedelta(days=DEFAULT_SYNC_DAYS)

    result = sync_forum(runtime, make_discourse_gateway(runtime.settings), start, now)
    typer.echo(
        f"forum since {start.isoformat()}: {result.posts} posts and {result.solutions} "
        f"accepted solutions read, {result.already_known} already known; "
        f"{result.count('done')} processed, {result.count('ignored')} ignored, "
        f"{result.count('retry')} waiting for a retry"
    )
    _show(result.outcomes)
    if result.count("retry") or result.count("failed"):
        raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    app.add_typer(discourse, name="discourse")
