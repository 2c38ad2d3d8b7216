"""Running a job for one period, exactly once: claim, run, done.

A job is a plain function ``(runtime, period, uow) -> JobOutcome``. :func:`run_job`
claims ``(job, period)`` in ``job_run`` first; only the claimant runs it. The job writes
its effects into the unit of work it is given and never commits: the runner marks the
run done in that same transaction and commits the effects and "done" together (a crash
leaves either both or neither; a claim lost to another process keeps neither).

Job modules import :class:`JobOutcome` and :class:`JobSpec` from here (the registry,
``bot.jobs``, imports the job modules).
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time
from enum import StrEnum

from bot.config import ProgrammeConfig
from bot.errors import ClaimLost, CreditbotError
from bot.jobs.cadence import Cadence, Daily
from bot.owners import owner_is_gone
from bot.runtime import Runtime
from storage.dry_run import DryRunLog
from storage.repositories.jobs import JobRun
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.jobs")

DEFAULT_LEASE_SECONDS = 600.0


@dataclass(frozen=True)
class JobOutcome:
    """What a run did, in one line, and the outbox messages it wrote (to deliver now)."""

    summary: str
    outbox_keys: tuple[str, ...] = ()


JobFunction = Callable[[Runtime, str, UnitOfWork], JobOutcome]


@dataclass(frozen=True)
class JobSpec:
    """A job as data: its name, its body and when it is due (from the configuration).

    ``catch_up``: how many missed periods are run on start-up (the latest ones);
    ``timed``: a timed job is off under ``serve --no-scheduler``.
    """

    id: str
    func: JobFunction
    cadence: Callable[[ProgrammeConfig], Cadence]
    description: str
    catch_up: int = 1
    timed: bool = True


class RunStatus(StrEnum):
    DONE = "done"
    ALREADY_DONE = "already done"
    RUNNING_ELSEWHERE = "running elsewhere"
    FAILED = "failed"
    NOT_DUE = "not due"


@dataclass(frozen=True)
class RunResult:
    job: str
    period: str
    status: RunStatus
    outcome: JobOutcome | None = None
    error: str | None = None
    finished_at: datetime | None = None


def period_not_due(runtime: Runtime, spec: JobSpec, period: str) -> str | None:
    """Why ``period`` cannot run yet (one line), or None when it is due.

    A monthly or yearly period is due at its cadence's moment (after the month has
    ended, on the decision date); a day may be run by hand from its start (the
    scheduler still waits for the day's hour).
    """
    tz = runtime.config.tz
    cadence = spec.cadence(runtime.config)
    due = (
        datetime.combine(date.fromisoformat(period), time(0), tzinfo=tz)
        if isinstance(cadence, Daily)
        else cadence.due_at(period, tz)
    )
    if due <= runtime.wall_now():
        return None
    return (
        f"{spec.id} for {period} is not due until {due.astimezone(tz):%Y-%m-%d %H:%M} "
        f"({runtime.config.timezone}); nothing recorded or sent"
    )


def run_job(
    runtime: Runtime,
    spec: JobSpec,
    period: str,
    owner: str,
    lease_seconds: float = DEFAULT_LEASE_SECONDS,
) -> RunResult:
    """Claim ``(spec.id, period)`` and run it; what happened (never raises for a job error).

    A period not yet due by the job's cadence (at the real moment, even when the run
    pretends another one) is refused with nothing recorded: ``NOT_DUE``.
    """
    not_due = period_not_due(runtime, spec, period)
    if not_due is not None:
        return RunResult(spec.id, period, RunStatus.NOT_DUE, error=not_due)
    claimed, existing = _claim(runtime, spec, period, owner, lease_seconds)
    if not claimed:
        if existing is not None and existing.status == "done":
            return RunResult(
                spec.id, period, RunStatus.ALREADY_DONE, None, None, existing.finished_at
            )
        return RunResult(spec.id, period, RunStatus.RUNNING_ELSEWHERE)
    return _run_claimed(runtime, spec, period, owner)


def _claim(
    runtime: Runtime, spec: JobSpec, period: str, owner: str, lease_seconds: float
) -> tuple[bool, JobRun | None]:
    """Claim the run (taking over one whose process died); whether it is ours, and the
    run as stored when it is not."""
    now = runtime.now()
    with runtime.uow() as uow:
        claimed = uow.jobs.claim(spec.id, period, owner, now, lease_seconds)
        existing = None if claimed else uow.jobs.status(spec.id, period)
        # Held by a process of this machine that has died (killed mid-run): taken over
        # now, as it would be once its lease ran out.
        if (
            existing is not None
            and existing.running_elsewhere(now)
            and owner_is_gone(existing.claimed_by)
        ):
            log.warning(
                "job %s for %s: its last run (%s) died; taking it over",
                spec.id,
                period,
                existing.claimed_by,
            )
            claimed = uow.jobs.claim(
                spec.id, period, owner, now, lease_seconds, gone_owner=existing.claimed_by
            )
        uow.commit()
    return claimed, existing


def _run_claimed(runtime: Runtime, spec: JobSpec, period: str, owner: str) -> RunResult:
    """Run a claimed job: its writes and the finished claim commit together; a failure
    is recorded on the claim (never raised)."""
    log.info("job %s for %s: started (%s)", spec.id, period, owner)
    try:
        with runtime.uow() as uow:
            outcome = spec.func(runtime, period, uow)
            if not uow.jobs.finish(spec.id, period, owner, runtime.now()):
                raise ClaimLost(spec.id, period)
            uow.commit()
    except ClaimLost as error:
        log.warning("job %s for %s: %s", spec.id, period, error)
        return RunResult(spec.id, period, RunStatus.RUNNING_ELSEWHERE, error=str(error))
    except Exception as error:
        message = str(error) if isinstance(error, CreditbotError) else repr(error)
        log.exception("job %s for %s failed", spec.id, period)
        with runtime.uow() as uow:
            uow.jobs.fail(spec.id, period, owner, runtime.now(), message)
            uow.commit()
        return RunResult(spec.id, period, RunStatus.FAILED, error=message)
    log.info("job %s for %s: %s", spec.id, period, outcome.summary)
    return RunResult(spec.id, period, RunStatus.DONE, outcome)


def dry_run_job(runtime: Runtime, spec: JobSpec, period: str) -> tuple[JobOutcome, DryRunLog]:
    """Run ``spec`` for ``period`` with every unit of work rolled back (no claim, no
    outbox row kept): its summary and what it would have recorded and sent."""
    log_ = DryRunLog()
    dry = dataclasses.replace(runtime, dry_run=log_)
    with dry.uow() as uow:
        outcome = spec.func(dry, period, uow)
        uow.commit()  # a dry unit of work only notes what it would have committed
    return outcome, log_
