"""What a programme manager's App Home shows of the programme (see
:mod:`bot.messages.slack.manager`): stale questions, partners at risk, the last job runs."""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import ProgrammeConfig
from bot.errors import CreditbotError
from bot.messages.slack.manager import SHOWN, STALE_DAYS, ManagerHome
from bot.services.partners.figures import partner_figures
from scoring.months import Month, local_date
from storage.repositories.jobs import JobRun
from storage.uow import UnitOfWork

RECENT_RUNS = 50


def manager_home(uow: UnitOfWork, config: ProgrammeConfig, now: datetime) -> ManagerHome:
    """The programme manager's part of the App Home as of ``now``."""
    month = Month.of(local_date(now, config.tz))
    questions, stale = uow.suggestions.open_asked_before(now - timedelta(days=STALE_DAYS), SHOWN)
    try:
        at_risk = tuple(f for f in partner_figures(uow, config, month) if f.at_risk)
        problem = None
    except CreditbotError as error:  # e.g. a partner's country without a Big Mac figure
        at_risk, problem = (), str(error)
    return ManagerHome(
        month=month,
        stale_questions=tuple(questions),
        stale_count=stale,
        at_risk=at_risk,
        standing_problem=problem,
        last_runs=_last_run_of_each_job(uow.jobs.recent(limit=RECENT_RUNS)),
    )


def _last_run_of_each_job(runs: list[JobRun]) -> tuple[JobRun, ...]:
    latest: dict[str, JobRun] = {}
    for run in runs:  # newest first
        latest.setdefault(run.job, run)
    return tuple(latest[job] for job in sorted(latest))
