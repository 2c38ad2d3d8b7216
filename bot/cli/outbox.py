"""``creditbot outbox list`` and ``creditbot outbox retry [ID | --all]``."""

from __future__ import annotations

from typing import Annotated

import typer

from bot.cli.common import open_runtime
from bot.errors import InvalidInput, NotFound
from bot.messages.words import plural
from scoring.bounds import record_id, shown
from storage.repositories.outbox import FAILED, PENDING, SENDING, STATUSES, OutboxMessage

outbox = typer.Typer(help="Messages the bot sends on its own.", no_args_is_help=True)


def _line(m: OutboxMessage) -> str:
    if m.status == "sent":
        state = f"sent {m.sent_at:%Y-%m-%d %H:%M}" if m.sent_at else "sent"
        state += f" ({m.sent_ref})" if m.sent_ref else ""
    elif m.status == PENDING:
        state = f"next try {m.next_attempt_at:%Y-%m-%d %H:%M:%S}"
    elif m.status == SENDING:
        state = f"being sent by {m.claimed_by}"
    else:
        state = "parked: retry with `creditbot outbox retry " + str(m.id) + "`"
    tries = plural(m.attempts, "try", "tries")
    line = f"{m.id:>5}  {m.status:<8} {tries:<9} {m.key}  -> {m.channel} {m.kind} {m.target}"
    line += f"\n       {state}"
    if m.last_error and m.status != "sent":
        line += f"\n       last error: {m.last_error}"
    return line


@outbox.command("list")
def outbox_list(
    status: Annotated[
        str | None, typer.Option(help=f"only this status ({', '.join(STATUSES)})")
    ] = None,
    all_: Annotated[bool, typer.Option("--all", help="sent messages too")] = False,
    limit: Annotated[int, typer.Option(help="at most this many, newest first")] = 50,
) -> None:
    """Messages waiting, being sent or parked (and with --all, sent ones too)."""
    if status is not None and status not in STATUSES:
        raise typer.BadParameter(f"'{status}' is not one of {', '.join(STATUSES)}")
    statuses = [status] if status else (None if all_ else [PENDING, SENDING, FAILED])
    runtime = open_runtime()
    with runtime.reader() as uow:
        counts = uow.outbox.counts()
        messages = uow.outbox.list(statuses, limit)
    summary = ", ".join(f"{counts.get(s, 0)} {s}" for s in STATUSES)
    typer.echo(f"outbox: {summary}")
    if not messages:
        typer.echo("nothing waiting" if not all_ and not status else "no messages")
    for m in messages:
        typer.echo(_line(m))


@outbox.command("retry")
def outbox_retry(
    message_id: Annotated[str | None, typer.Argument(help="the id of a parked message")] = None,
    all_: Annotated[bool, typer.Option("--all", help="every parked message")] = False,
) -> None:
    """Put parked (failed) messages back in the queue; the worker sends them."""
    if (message_id is None) == (not all_):
        raise typer.BadParameter("give a message ID or --all (not both)")
    number = None if message_id is None else record_id(message_id)
    if message_id is not None and number is None:
        raise InvalidInput(f"'{shown(message_id)}' is not a message id (see `outbox list`)")
    runtime = open_runtime()
    now = runtime.now()
    with runtime.uow() as uow:
        if all_:
            count = uow.outbox.retry_all(now)
            uow.commit()
            typer.echo(f"{plural(count, 'parked message')} back in the queue")
            return
        assert number is not None
        message = uow.outbox.get(number)
        if message is None:
            raise NotFound(f"no outbox message {message_id}")
        if not uow.outbox.retry(number, now):
            raise InvalidInput(
                f"message {message_id} is {message.status}, not parked; only failed messages "
                "are retried by hand"
            )
        uow.commit()
    typer.echo(f"message {message_id} ({message.key}) back in the queue")


def register(app: typer.Typer) -> None:
    app.add_typer(outbox, name="outbox")
