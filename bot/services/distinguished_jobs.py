"""The Distinguished Contributor programme's scheduled jobs (registered in ``bot.jobs``).

- ``distinguished-decide``: yearly, period ``YYYY`` (the cycle), due on the decision
  date at ``shoutout.hour`` (programme timezone): every open nomination gets its tally
  and outcome, approved ones become members and are announced;
- ``distinguished-terms``: daily, period ``YYYY-MM-DD``, at ``shoutout.hour``:
  reminders, renewals, expiries and lifetime status.

Each run writes its effects, its outbox rows and "done" in one transaction.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime, time
from typing import Any
from zoneinfo import ZoneInfo

from bot.cadence import Daily
from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.runs import JobOutcome, JobSpec, complete_claim
from bot.runtime import Runtime
from bot.services.distinguished import decide_cycle, review_terms
from scoring.months import local_date

_YEAR = re.compile(r"^\d{4}$")


@dataclass(frozen=True)
class Yearly:
    """Due once a year on ``month``-``day`` at ``hour`` (local); the period is the year."""

    month: int = 12
    day: int = 1
    hour: int = 9

    def due_at(self, period: str, tz: ZoneInfo) -> datetime:
        return datetime.combine(date(int(period), self.month, self.day), time(self.hour), tzinfo=tz)

    def latest_due(self, moment: datetime, tz: ZoneInfo) -> str:
        year = local_date(moment, tz).year
        if self.due_at(str(year), tz) > moment:
            year -= 1
        return f"{year:04d}"

    def current(self, moment: datetime, tz: ZoneInfo) -> str:
        """The year of ``moment`` (its cycle)."""
        return f"{local_date(moment, tz).year:04d}"

    def previous(self, period: str) -> str:
        return f"{int(period) - 1:04d}"

    def next(self, period: str) -> str:
        return f"{int(period) + 1:04d}"

    def parse(self, text: str) -> str:
        value = text.strip()
        if not _YEAR.match(value) or int(value) < 1:
            raise InvalidInput(f"'{text}' is not a year; expected YYYY")
        return value

    def cron(self) -> dict[str, Any]:
        return {"month": self.month, "day": self.day, "hour": self.hour, "minute": 0}


def decide_cadence(config: ProgrammeConfig) -> Yearly:
    month, day = config.distinguished.rules.decides
    return Yearly(month=month, day=day, hour=config.shoutout.hour)


def terms_cadence(config: ProgrammeConfig) -> Daily:
    return Daily(hour=config.shoutout.hour)


def decide_job(runtime: Runtime, period: str) -> JobOutcome:
    """Decide the cycle ``period`` (a year) and queue the updates and announcements."""
    cycle = int(decide_cadence(runtime.config).parse(period))
    now = runtime.now()
    with runtime.uow() as uow:
        outcome = decide_cycle(uow, runtime.config, cycle, now)
        complete_claim(uow, now)
        uow.commit()
    return JobOutcome(outcome.summary, outcome.outbox_keys)


def terms_job(runtime: Runtime, period: str) -> JobOutcome:
    """Review the terms as of the day ``period``."""
    day = date.fromisoformat(terms_cadence(runtime.config).parse(period))
    now = runtime.now()
    with runtime.uow() as uow:
        outcome = review_terms(uow, runtime.config, day, now)
        complete_claim(uow, now)
        uow.commit()
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
