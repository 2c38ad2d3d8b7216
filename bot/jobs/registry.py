"""The jobs creditbot runs on its own, declared as data, and how due periods are found.

Every job is a :class:`~bot.jobs.runs.JobSpec`: a name, a plain function
``(runtime, period) -> JobOutcome``, a cadence read from the configuration (when each
period is due) and how many missed periods to catch up. The scheduler
(``bot/jobs/scheduler.py``) and ``creditbot jobs run`` both go through :func:`run_due` /
:func:`bot.jobs.runs.run_job`, so a period runs once whoever asks.

Job modules import ``JobOutcome``/``JobSpec`` from ``bot.jobs.runs`` (not from here: this
module imports them).
"""

from __future__ import annotations

import logging

from bot.jobs.cadence import due_periods
from bot.jobs.distinguished import DECIDE_JOB, TERMS_JOB
from bot.jobs.runs import DEFAULT_LEASE_SECONDS, JobSpec, RunResult, run_job
from bot.jobs.shoutout import (
    draft_cadence,
    post_monthly_shoutout,
    send_shoutout_draft,
    shoutout_cadence,
)
from bot.jobs.standing import INACTIVITY_JOB, STANDING_JOB, TIER_REVIEW_JOB
from bot.runtime import Runtime

log = logging.getLogger("creditbot.jobs")

JOBS: dict[str, JobSpec] = {
    spec.id: spec
    for spec in (
        JobSpec(
            "monthly-shoutout",
            post_monthly_shoutout,
            shoutout_cadence,
            "the month's shout-out in Slack and on the forum (1st of the month)",
            catch_up=12,
        ),
        JobSpec(
            "shoutout-draft",
            send_shoutout_draft,
            draft_cadence,
            "a private draft of the shout-out for programme managers, before it is posted",
            catch_up=1,
        ),
        STANDING_JOB,
        INACTIVITY_JOB,
        DECIDE_JOB,
        TERMS_JOB,
        TIER_REVIEW_JOB,
    )
}


def run_due(
    runtime: Runtime, spec: JobSpec, owner: str, lease_seconds: float = DEFAULT_LEASE_SECONDS
) -> list[RunResult]:
    """Run every period of ``spec`` due now and not done yet (missed ones too), oldest first."""
    now = runtime.now()
    cadence = spec.cadence(runtime.config)
    with runtime.reader() as uow:
        last_done = uow.jobs.last_done(spec.id)
    periods = due_periods(cadence, last_done, now, runtime.config.tz, spec.catch_up)
    results: list[RunResult] = []
    for period in periods:
        result = run_job(runtime, spec, period, owner, lease_seconds)
        if result.status.value == "done":
            log.info(
                "%s for %s: %s", spec.id, period, result.outcome.summary if result.outcome else ""
            )
        results.append(result)
    return results


def run_all_due(runtime: Runtime, owner: str, *, timed_only: bool = True) -> list[RunResult]:
    """:func:`run_due` for every job (the catch-up at start-up, and the periodic check)."""
    results: list[RunResult] = []
    for spec in JOBS.values():
        if timed_only and not spec.timed:
            continue
        try:
            results += run_due(runtime, spec, owner)
        except Exception:  # one job's trouble (e.g. a bad config) must not stop the others
            log.exception("could not check whether %s is due", spec.id)
    return results
