"""Job runs: one row per (job, period) makes every scheduled job run once per period.

A run is claimed before it starts (``running``, with an owner and a lease), and is
``done`` once its work is committed -- ideally in the same transaction as that work
(:meth:`JobRunRepository.finish` is conditional on the claim still being ours). A
claim whose lease ran out without the run being done (its process died) may be taken
over; a ``failed`` run may be claimed again. A ``done`` run is never run again.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import and_, func, or_, select, update
from sqlmodel import Session

from storage.sql import insert_one_ignoring_conflicts
from storage.tables import JobRunRow, columns, table

RUNNING, DONE, FAILED = "running", "done", "failed"

_run = columns(JobRunRow)


@dataclass(frozen=True)
class JobRun:
    job: str
    period: str
    status: str
    claimed_by: str | None
    lease_until: datetime | None
    started_at: datetime
    finished_at: datetime | None
    error: str | None

    def running_elsewhere(self, now: datetime) -> bool:
        """Claimed by a run whose lease has not run out yet."""
        return self.status == RUNNING and self.lease_until is not None and self.lease_until >= now


def _to_run(row: JobRunRow) -> JobRun:
    return JobRun(
        job=row.job,
        period=row.period,
        status=row.status,
        claimed_by=row.claimed_by,
        lease_until=row.lease_until,
        started_at=row.started_at,
        finished_at=row.finished_at,
        error=row.error,
    )


class JobRunRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def claim(
        self,
        job: str,
        period: str,
        owner: str,
        now: datetime,
        lease_seconds: float = 600,
        *,
        gone_owner: str | None = None,
    ) -> bool:
        """Take the run of ``job`` for ``period``; False if it is done or held by someone else.

        A new (job, period) is inserted; an existing one is taken over only if it failed,
        or its lease ran out before it was done, or it is still held by ``gone_owner``
        (a claimant known to have died) (a conditional ``UPDATE``: of two processes
        racing, exactly one gets it).
        """
        lease_until = now + timedelta(seconds=lease_seconds)
        inserted = insert_one_ignoring_conflicts(
            self._session,
            table(JobRunRow),
            ("job", "period"),
            {
                "job": job,
                "period": period,
                "status": RUNNING,
                "claimed_by": owner,
                "lease_until": lease_until,
                "started_at": now,
            },
        )
        if inserted is not None:
            return True
        result = self._session.execute(
            update(JobRunRow)
            .where(
                _run.job == job,
                _run.period == period,
                or_(
                    _run.status == FAILED,
                    and_(_run.status == RUNNING, _run.lease_until < now),
                    and_(
                        _run.status == RUNNING,
                        _run.claimed_by.is_not(None),
                        _run.claimed_by == gone_owner,
                    ),
                ),
            )
            .values(
                status=RUNNING,
                claimed_by=owner,
                lease_until=lease_until,
                started_at=now,
                finished_at=None,
                error=None,
            )
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    def finish(self, job: str, period: str, owner: str, now: datetime) -> bool:
        """Mark our run done; False if the claim is no longer ours (then do not commit)."""
        return self._end_own_run(job, period, owner, status=DONE, finished_at=now, error=None)

    def fail(self, job: str, period: str, owner: str, now: datetime, error: str) -> bool:
        """Mark our run failed (it may be claimed again); False if it is not ours."""
        return self._end_own_run(
            job, period, owner, status=FAILED, finished_at=now, error=error[:2000]
        )

    def _end_own_run(
        self, job: str, period: str, owner: str, **values: str | datetime | None
    ) -> bool:
        """Set ``values`` on our running claim and release its lease; False if it is
        not ours (any more)."""
        result = self._session.execute(
            update(JobRunRow)
            .where(
                _run.job == job,
                _run.period == period,
                _run.claimed_by == owner,
                _run.status == RUNNING,
            )
            .values(lease_until=None, **values)
            .execution_options(synchronize_session=False)
        )
        return int(getattr(result, "rowcount", 0)) == 1

    def status(self, job: str, period: str) -> JobRun | None:
        """The run of ``job`` for ``period``, or None if it was never claimed."""
        row = self._session.execute(
            select(JobRunRow)
            .where(_run.job == job, _run.period == period)
            .execution_options(populate_existing=True)
        ).scalar()
        return None if row is None else _to_run(row)

    def last_done(self, job: str) -> str | None:
        """The latest period of ``job`` that is done (periods sort as text: YYYY-MM, dates)."""
        value = self._session.execute(
            select(func.max(_run.period)).where(_run.job == job, _run.status == DONE)
        ).scalar()
        return None if value is None else str(value)

    def recent(self, job: str | None = None, limit: int = 20) -> list[JobRun]:
        """The latest runs, newest first."""
        query = select(JobRunRow).order_by(_run.started_at.desc(), _run.id.desc()).limit(limit)
        if job is not None:
            query = query.where(_run.job == job)
        return [_to_run(row) for row in self._session.execute(query).scalars()]
