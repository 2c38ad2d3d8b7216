"""The shared job runner never records a period that is not yet due (issue 16): what the
scheduler and `jobs run` both go through."""

from __future__ import annotations

from bot.jobs.registry import JOBS
from bot.jobs.runs import RunStatus, run_job
from bot.runtime import Runtime
from tests.support.builders.partners import outbox


def test_the_runner_refuses_the_month_in_progress_and_records_nothing(runtime: Runtime) -> None:
    # The test clock is 2026-11-01 09:00 UTC: October's standing is due at 10:00.
    for period in ("2026-11", "2026-10"):
        result = run_job(runtime, JOBS["standing"], period, owner="test")
        assert result.status == RunStatus.NOT_DUE
        assert result.error is not None and "is not due until" in result.error
    with runtime.reader() as uow:
        assert uow.jobs.recent(limit=10) == []
        assert uow.standing.history("acme") == []
    assert outbox(runtime) == []


def test_the_runner_runs_a_month_once_it_is_due(runtime: Runtime) -> None:
    result = run_job(runtime, JOBS["standing"], "2026-09", owner="test")
    assert result.status == RunStatus.DONE
