"""``creditbot jobs run NAME [--month YYYY-MM | --year YYYY | --at ISO]``, ``jobs list``.

A run from the command line goes through the same claim as the scheduler's, then
delivers the messages it produced before exiting: 0 when all went out (or the job had
already run, or is running elsewhere), 1 when some are left in the outbox.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from bot.cli.common import fail_line, open_runtime
from bot.importing import parse_moment
from bot.owners import worker_id
from bot.runtime import Runtime, system_clock
from storage.repositories.outbox import FAILED, PENDING, SENDING

jobs = typer.Typer(help="Scheduled jobs: run one now, see recent runs.", no_args_is_help=True)


def _names() -> str:
    from bot.jobs import JOBS

    return ", ".join(sorted(JOBS))


@jobs.command("run")
def jobs_run(
    name: Annotated[str, typer.Argument(help="the job (see `creditbot jobs list`)")],
    month: Annotated[
        str | None, typer.Option(help="YYYY-MM, for a monthly job; default: the month just ended")
    ] = None,
    at: Annotated[
        str | None,
        typer.Option(help="ISO-8601: run as if it were this moment (UTC when no offset)"),
    ] = None,
    year: Annotated[
        str | None, typer.Option(help="YYYY, for a yearly job (distinguished-decide)")
    ] = None,
) -> None:
    """Run a job for one period now, and deliver what it produced."""
    from bot.jobs import JOBS  # the jobs and their services: only for the commands using them
    from bot.runs import RunStatus, run_job

    spec = JOBS.get(name)
    if spec is None:
        raise typer.BadParameter(f"unknown job '{name}'; one of: {_names()}", param_hint="NAME")
    if sum(1 for given in (month, at, year) if given) > 1:
        raise typer.BadParameter("give one of --month, --year or --at, not several")
    runtime = open_runtime()
    cadence = spec.cadence(runtime.config)
    job_runtime: Runtime = runtime
    if at:
        moment = parse_moment(at)
        period = cadence.current(moment, runtime.config.tz)
        job_runtime = dataclasses.replace(runtime, clock=lambda: moment)
    elif month or year:
        period = cadence.parse(month or year or "")
    else:
        period = cadence.current(runtime.now(), runtime.config.tz)

    result = run_job(job_runtime, spec, period, owner=worker_id())
    if result.status == RunStatus.ALREADY_DONE:
        when = f" on {result.finished_at:%Y-%m-%d %H:%M} UTC" if result.finished_at else ""
        typer.echo(f"{name} already ran for {period}{when}; nothing to do")
        _say_what_waits(runtime)
        return
    if result.status == RunStatus.RUNNING_ELSEWHERE:
        typer.echo(f"{name} for {period} is running in another process; nothing done here")
        return
    if result.status == RunStatus.FAILED:
        fail_line(f"{name} for {period} failed: {result.error}")
        raise typer.Exit(1)
    assert result.outcome is not None
    typer.echo(f"{name} for {period}: {result.outcome.summary}")
    keys = result.outcome.outbox_keys
    if not keys:
        return
    from bot.gateways import open_gateways
    from bot.outbox import deliver_keys

    gateways = open_gateways(runtime.settings)
    drained = deliver_keys(
        runtime,
        gateways.slack,
        gateways.discourse,
        keys,
        missing=gateways.missing,
        clock=system_clock if at else runtime.clock,
    )
    for sent in drained.sent:
        typer.echo(f"sent {sent.key} ({sent.ref})")
    if drained.undelivered:
        for left in drained.undelivered:
            typer.echo(f"not delivered: {left.key}: {left.error}")
        fail_line(
            f"{len(drained.undelivered)} of {len(keys)} messages not delivered; they stay in "
            "the outbox for the worker (`creditbot outbox list`)"
        )
        raise typer.Exit(1)


def _say_what_waits(runtime: Runtime) -> None:
    """After "already ran": a run may be done and not all delivered (its process died
    while sending), so say what the outbox still holds and who sends it."""
    with runtime.reader() as uow:
        counts = uow.outbox.counts()
    waiting = counts.get(PENDING, 0) + counts.get(SENDING, 0)
    parked = counts.get(FAILED, 0)
    if waiting:
        typer.echo(
            f"the outbox still has {waiting} message{'' if waiting == 1 else 's'} to send: "
            "`creditbot serve` sends them (`creditbot outbox list` shows them)"
        )
    if parked:
        typer.echo(
            f"the outbox has {parked} parked message{'' if parked == 1 else 's'} that "
            "failed: `creditbot outbox list --status failed`, then `creditbot outbox retry`"
        )


@jobs.command("list")
def jobs_list() -> None:
    """The jobs, when each is next due, and their recent runs."""
    from bot.jobs import JOBS

    runtime = open_runtime()
    now, tz = runtime.now(), runtime.config.tz
    with runtime.reader() as uow:
        for spec in JOBS.values():
            cadence = spec.cadence(runtime.config)
            latest = cadence.latest_due(now, tz)
            upcoming = cadence.next(latest)
            due = cadence.due_at(upcoming, tz).astimezone(tz)
            last = uow.jobs.last_done(spec.id)
            typer.echo(f"{spec.id}: {spec.description}")
            typer.echo(
                f"  next: {upcoming} at {due:%Y-%m-%d %H:%M} ({runtime.config.timezone}); "
                f"last done: {last or 'never'}"
            )
            for run in uow.jobs.recent(spec.id, limit=3):
                error = f" ({run.error})" if run.error else ""
                typer.echo(
                    f"  {run.period}: {run.status}, started {run.started_at:%Y-%m-%d %H:%M}{error}"
                )


def register(app: typer.Typer) -> None:
    app.add_typer(jobs, name="jobs")
