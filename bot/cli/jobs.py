"""``creditbot jobs run NAME [--month YYYY-MM | --year YYYY | --at ISO]``, ``jobs list``.

A run from the command line goes through the same claim as the scheduler's, then
delivers the messages it produced before exiting: 0 when all went out (or the job had
already run, or is running elsewhere), 1 when some are left in the outbox.
"""

from __future__ import annotations

import dataclasses
from typing import Annotated

import typer

from bot.cli.common import deliver_now, fail_line, open_runtime
from bot.jobs.runs import JobSpec, RunStatus, dry_run_job, period_not_due, run_job
from bot.messages.words import plural
from bot.owners import worker_id
from bot.runtime import Runtime
from bot.services.ledger.importing import parse_moment
from scoring.bounds import EARLIEST_DATE
from scoring.errors import OutOfRange
from storage.repositories.outbox import FAILED, PENDING, SENDING

jobs = typer.Typer(help="Scheduled jobs: run one now, see recent runs.", no_args_is_help=True)


def _names() -> str:
    from bot.jobs.registry import JOBS  # every job's module: only for the jobs commands

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
    dry_run: Annotated[
        bool,
        typer.Option("--dry-run", help="print what the run would record and send; keep nothing"),
    ] = False,
) -> None:
    """Run a job for one period now, and deliver what it produced."""
    from bot.jobs.registry import JOBS

    spec = JOBS.get(name)
    if spec is None:
        raise typer.BadParameter(f"unknown job '{name}'; one of: {_names()}", param_hint="NAME")
    if sum(1 for given in (month, at, year) if given) > 1:
        raise typer.BadParameter("give one of --month, --year or --at, not several")
    runtime = open_runtime()
    job_runtime, period = _period(runtime, spec, month, at, year, dry_run)
    # every period (YYYY, YYYY-MM, YYYY-MM-DD) starts with its year: none before 2000
    if not period[:4].isdigit() or int(period[:4]) < EARLIEST_DATE.year:
        raise OutOfRange("period", period, f"from {EARLIEST_DATE.year} on")
    if dry_run:
        _print_dry_run(job_runtime, spec, period)
        return
    result = run_job(job_runtime, spec, period, owner=worker_id())
    if result.status == RunStatus.NOT_DUE:
        fail_line(result.error or f"{name} for {period} is not due yet")
        raise typer.Exit(1)
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
    _deliver(runtime, result.outcome.outbox_keys)


def _period(
    runtime: Runtime,
    spec: JobSpec,
    month: str | None,
    at: str | None,
    year: str | None,
    dry_run: bool,
) -> tuple[Runtime, str]:
    """The period asked for, and the runtime to run it with (pretending ``--at``, while
    the outbox and the "is it due" check keep the real clock)."""
    cadence = spec.cadence(runtime.config)
    if at:
        moment = parse_moment(at)
        if moment > runtime.now() and not dry_run:
            fail_line(
                f"--at {moment.isoformat()} is later than now; a run cannot be ahead of "
                "time (nothing recorded or sent; --dry-run shows what it would do)"
            )
            raise typer.Exit(1)
        real = runtime.clock
        pretend = dataclasses.replace(runtime, clock=lambda: moment, wall_clock=real)
        return pretend, cadence.current(moment, runtime.config.tz)
    if month or year:
        return runtime, cadence.parse(month or year or "")
    return runtime, cadence.current(runtime.now(), runtime.config.tz)


def _print_dry_run(runtime: Runtime, spec: JobSpec, period: str) -> None:
    """What the run would record and send; nothing is kept."""
    not_due = period_not_due(runtime, spec, period)
    if not_due is not None:
        typer.echo(f"dry run ({not_due.split(';')[0]}; shown anyway)")
    outcome, log = dry_run_job(runtime, spec, period)
    typer.echo(f"dry run: {outcome.summary}")
    added = ", ".join(
        f"{table} +{n}" for table, n in sorted(log.rows_added.items()) if table != "outbox"
    )
    typer.echo(f"would record: {added or 'nothing'}")
    typer.echo(f"would send: {plural(len(log.messages), 'message')}")
    for message in log.messages:
        text = str(message.payload.get("text") or message.payload.get("title") or "")
        first = text.strip().splitlines()[0] if text.strip() else ""
        typer.echo(
            f"- {message.channel} {message.kind} to {message.target} ({message.key}): {first}"
        )
    typer.echo("nothing was recorded or sent (dry run)")


def _deliver(runtime: Runtime, keys: tuple[str, ...]) -> None:
    """Deliver the run's messages now (by the real clock); exit 1 if some are left."""
    if not keys:
        return

    drained = deliver_now(runtime, keys)
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
            f"the outbox still has {plural(waiting, 'message')} to send: "
            "`creditbot serve` sends them (`creditbot outbox list` shows them)"
        )
    if parked:
        typer.echo(
            f"the outbox has {plural(parked, 'parked message')} that "
            "failed: `creditbot outbox list --status failed`, then `creditbot outbox retry`"
        )


@jobs.command("list")
def jobs_list() -> None:
    """The jobs, when each is next due, and their recent runs."""
    from bot.jobs.registry import JOBS

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
