"""APScheduler 3, built from the job specs (``bot/jobs/registry.py``): building does not start it.

What runs in ``creditbot serve``:

- ``outbox``: the delivery worker, every ``outbox.poll_seconds`` (always on: messages
  produced while serving are always delivered, even under ``--no-scheduler``);
- ``discourse-pending``: forum events waiting for the forum's API, retried every minute
  (always on, when the forum is configured);
- the timed jobs (off under ``--no-scheduler``): one cron trigger per job spec, in the
  programme's timezone; ``catch-up`` once at start-up (every period missed while the
  bot was down); ``due-check`` every 15 minutes (a run that failed is tried again).

APScheduler itself keeps nothing: its job store is in memory, never shared, and its
own misfire handling is not relied on. Exactly-once comes from the ``job_run`` claims
and the outbox keys, so several processes may run the same schedule.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.triggers.cron import CronTrigger
from apscheduler.triggers.interval import IntervalTrigger

from bot.discourse.handlers import process_pending_discourse
from bot.gateways import Gateways
from bot.jobs.registry import JOBS, run_all_due, run_due
from bot.jobs.runs import JobSpec, RunStatus
from bot.logs import quiet_scheduler_logs
from bot.outbox.drain import deliver_keys
from bot.outbox.worker import Pacer, deliver_due
from bot.owners import worker_id
from bot.runtime import Runtime

log = logging.getLogger("creditbot.scheduler")

DUE_CHECK_MINUTES = 15
DISCOURSE_PENDING_SECONDS = 60
CATCH_UP_JOB = "catch-up"
OUTBOX_JOB = "outbox"


class Scheduler:
    """The process's scheduler: the outbox worker always, the timed jobs unless turned off."""

    def __init__(
        self,
        runtime: Runtime,
        gateways: Gateways,
        *,
        timed: bool = True,
        owner: str | None = None,
    ) -> None:
        self.runtime = runtime
        self.gateways = gateways
        self.timed = timed
        self.owner = owner or worker_id()
        self.pacer = Pacer(runtime.config.outbox.slack_interval_seconds)
        quiet_scheduler_logs()
        self.apscheduler = BackgroundScheduler(
            timezone=runtime.config.tz,
            job_defaults={"coalesce": True, "max_instances": 1, "misfire_grace_time": None},
        )
        self._add_jobs()

    # -- building ----------------------------------------------------------------------
    def _add_jobs(self) -> None:
        add = self.apscheduler.add_job
        add(
            self.deliver_outbox,
            IntervalTrigger(seconds=self.runtime.config.outbox.poll_seconds),
            id=OUTBOX_JOB,
            name="deliver the outbox",
        )
        if self.gateways.discourse is not None:
            add(
                self.retry_pending_discourse,
                IntervalTrigger(seconds=DISCOURSE_PENDING_SECONDS),
                id="discourse-pending",
                name="retry forum webhooks that waited for the forum",
            )
        if not self.timed:
            return
        tz = self.runtime.config.tz
        for spec in JOBS.values():
            if not spec.timed:
                continue
            add(
                self._runner(spec),
                CronTrigger(timezone=tz, **spec.cadence(self.runtime.config).cron()),
                id=spec.id,
                name=spec.description,
            )
        add(self.catch_up, "date", id=CATCH_UP_JOB, name="run the periods missed while down")
        add(
            self.catch_up,
            IntervalTrigger(minutes=DUE_CHECK_MINUTES),
            id="due-check",
            name="run what is due and not done (a failed run is tried again)",
        )

    # -- what the jobs do --------------------------------------------------------------
    def deliver_outbox(self) -> None:
        """One round of the delivery worker."""
        try:
            deliver_due(
                self.runtime,
                self.gateways.slack,
                self.gateways.discourse,
                self.runtime.now(),
                owner=self.owner,
                pacer=self.pacer,
            )
        except Exception:  # the database is away, say: log, and try again next round
            log.exception("outbox delivery round failed")

    def retry_pending_discourse(self) -> None:
        """Forum events that waited for the forum's API (the Discourse adapter's retry)."""
        try:
            process_pending_discourse(
                self.runtime,
                self.gateways.discourse,  # type: ignore[arg-type]  # the full gateway
                self.runtime.now(),
            )
        except Exception:
            log.exception("retrying pending forum events failed")

    def catch_up(self) -> None:
        """Run every timed job's periods that are due and not done (missed ones included)."""
        for result in run_all_due(self.runtime, self.owner):
            self._deliver_now(result.outcome.outbox_keys if result.outcome else ())

    def _runner(self, spec: JobSpec) -> Callable[[], None]:
        def run() -> None:
            try:
                for result in run_due(self.runtime, spec, self.owner):
                    if result.status == RunStatus.DONE and result.outcome:
                        self._deliver_now(result.outcome.outbox_keys)
            except Exception:
                log.exception("scheduled job %s failed", spec.id)

        return run

    def _deliver_now(self, keys: tuple[str, ...]) -> None:
        if not keys:
            return
        try:
            deliver_keys(
                self.runtime,
                self.gateways.slack,
                self.gateways.discourse,
                keys,
                missing=self.gateways.missing,
                max_wait=0,  # what is not sent at once is the worker's
                pacer=self.pacer,
            )
        except Exception:
            log.exception("immediate delivery failed; the outbox worker will retry")

    # -- life --------------------------------------------------------------------------
    def start(self) -> None:
        self.apscheduler.start()
        log.info(
            "scheduler started (%s)",
            "timed jobs on" if self.timed else "timed jobs off; outbox delivery on",
        )

    def shutdown(self, wait: bool = True) -> None:
        if self.apscheduler.running:
            self.apscheduler.shutdown(wait=wait)

    def job_ids(self) -> list[str]:
        return [job.id for job in self.apscheduler.get_jobs()]


def build_scheduler(
    runtime: Runtime, gateways: Gateways, *, timed: bool = True, owner: str | None = None
) -> Scheduler:
    """The scheduler for ``serve``; not started."""
    return Scheduler(runtime, gateways, timed=timed, owner=owner)
