"""The scheduled jobs of partner standing and inactivity (registered in ``bot.jobs``).

- ``standing``: monthly, period ``YYYY-MM``, due on the 1st of the next month at 10:00
  (programme timezone), an hour after the default shout-out;
- ``inactivity``: daily, period ``YYYY-MM-DD``, evaluated as of the run's moment (a day
  caught up later: as of 10:00 that day).

Each run writes its steps, nudges and outbox rows and marks itself done in one
transaction.
"""

from __future__ import annotations

from datetime import date

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.jobs.cadence import Daily, HalfYearly, Monthly
from bot.jobs.runs import JobOutcome, JobSpec
from bot.runtime import Runtime
from bot.services.partners.inactivity import run_inactivity
from bot.services.partners.standing import run_standing
from bot.services.partners.tiers import review_tiers
from scoring.months import Month, local_date
from storage.uow import UnitOfWork

JOB_HOUR = 10


def _monthly(config: ProgrammeConfig) -> Monthly:
    return Monthly(hour=JOB_HOUR)


def _daily(config: ProgrammeConfig) -> Daily:
    return Daily(hour=JOB_HOUR)


def standing_job(runtime: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
    """Evaluate every partner for the month ``period`` and queue the messages."""
    month = Month.parse(period)
    now = runtime.now()
    run = run_standing(uow, runtime.config, month, now)
    return JobOutcome(run.summary, run.outbox_keys)


def inactivity_job(runtime: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
    """Nudges, welcome backs and decline alerts as of the day ``period``."""
    try:
        date.fromisoformat(period)
    except ValueError:
        raise InvalidInput(f"'{period}' is not a day; expected YYYY-MM-DD") from None
    # As of now when the run is about today (the scheduler, or `jobs run --at`); a day
    # caught up later is judged as of its usual time.
    now = runtime.now()
    tz = runtime.config.tz
    at = (
        now
        if local_date(now, tz).isoformat() == period
        else _daily(runtime.config).due_at(period, tz)
    )
    run = run_inactivity(uow, runtime.config, at, now)
    return JobOutcome(run.summary, run.outbox_keys)


STANDING_JOB = JobSpec(
    id="standing",
    func=standing_job,
    cadence=_monthly,
    description="evaluate partner standing for the month just ended and send warnings / resets",
    catch_up=3,
)

INACTIVITY_JOB = JobSpec(
    id="inactivity",
    func=inactivity_job,
    cadence=_daily,
    description="nudge quiet members, welcome back returning ones, alert on organisation decline",
    catch_up=1,
)


def tier_review_job(runtime: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
    """The half-yearly tier review of ``period`` (``YYYY-01`` or ``YYYY-07``)."""
    changed, keys = review_tiers(uow, runtime.config, period, runtime.now())
    return JobOutcome(f"tier review {period}: {changed} tiers changed", tuple(keys))


def _half_yearly(config: ProgrammeConfig) -> HalfYearly:
    return HalfYearly(hour=JOB_HOUR)


TIER_REVIEW_JOB = JobSpec(
    id="tier-review",
    func=tier_review_job,
    cadence=_half_yearly,
    description="review partner tiers on 1 January and 1 July and tell partners whose tier changed",
    catch_up=1,
)
