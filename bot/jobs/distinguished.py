"""The Distinguished Contributor programme's scheduled jobs (registered in ``bot.jobs``).

- ``distinguished-decide``: yearly, period ``YYYY`` (the cycle), due on the decision
  date at ``shoutout.hour`` (programme timezone): every open nomination gets its tally
  and outcome, approved ones become members and are announced;
- ``distinguished-terms``: daily, period ``YYYY-MM-DD``, at ``shoutout.hour``:
  reminders, renewals, expiries and lifetime status.

Each run writes its effects, its outbox rows and "done" in one transaction.
"""

from __future__ import annotations

from datetime import date

from bot.config import ProgrammeConfig
from bot.jobs.cadence import Daily, Yearly
from bot.jobs.runs import JobOutcome, JobSpec
from bot.runtime import Runtime
from bot.services.distinguished.cycle import decide_cycle
from bot.services.distinguished.terms import review_terms
from storage.uow import UnitOfWork


def decide_cadence(config: ProgrammeConfig) -> Yearly:
    month, day = config.distinguished.rules.decides
    return Yearly(month=month, day=day, hour=config.shoutout.hour)


def terms_cadence(config: ProgrammeConfig) -> Daily:
    return Daily(hour=config.shoutout.hour)


def decide_job(runtime: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
    """Decide the cycle ``period`` (a year) and queue the updates and announcements."""
    cycle = int(decide_cadence(runtime.config).parse(period))
    now = runtime.now()
    outcome = decide_cycle(uow, runtime.config, cycle, now)
    return JobOutcome(outcome.summary, outcome.outbox_keys)


def terms_job(runtime: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
    """Review the terms as of the day ``period``."""
    day = date.fromisoformat(terms_cadence(runtime.config).parse(period))
    now = runtime.now()
    outcome = review_terms(uow, runtime.config, day, now)
    return JobOutcome(outcome.summary, outcome.outbox_keys)


DECIDE_JOB = JobSpec(
    id="distinguished-decide",
    func=decide_job,
    cadence=decide_cadence,
    description="record the Distinguished Contributor panel's outcomes on the decision date",
    catch_up=1,
)

TERMS_JOB = JobSpec(
    id="distinguished-terms",
    func=terms_job,
    cadence=terms_cadence,
    description="Distinguished Contributor reminders, renewals, expiries and lifetime status",
    catch_up=1,
)
