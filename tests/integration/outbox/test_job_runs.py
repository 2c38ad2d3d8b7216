"""Job runs are claimed per (job, period): a period runs once, whoever asks."""

from __future__ import annotations

import socket
import subprocess
import sys
from datetime import timedelta

from bot.jobs.cadence import Monthly
from bot.jobs.runs import JobOutcome, JobSpec, RunStatus, run_job
from bot.owners import worker_id
from bot.runtime import Runtime
from storage.uow import UnitOfWork
from tests.support.clock import FixedClock


def test_a_period_is_claimed_once_and_a_done_run_is_never_taken_over(
    runtime: Runtime, clock: FixedClock
) -> None:
    now = clock.now
    with runtime.uow() as uow:
        assert uow.jobs.claim("monthly-shoutout", "2026-10", "a", now, lease_seconds=60)
        assert not uow.jobs.claim("monthly-shoutout", "2026-10", "b", now, lease_seconds=60)
        assert uow.jobs.claim("monthly-shoutout", "2026-09", "b", now, lease_seconds=60)
        assert uow.jobs.finish("monthly-shoutout", "2026-10", "a", now)
        uow.commit()
    later = now + timedelta(days=1)
    with runtime.uow() as uow:
        assert not uow.jobs.claim("monthly-shoutout", "2026-10", "c", later)
        run = uow.jobs.status("monthly-shoutout", "2026-10")
        assert run is not None and run.status == "done"
        assert uow.jobs.last_done("monthly-shoutout") == "2026-10"


def test_a_run_whose_process_died_is_taken_over_once_its_lease_ran_out(
    runtime: Runtime, clock: FixedClock
) -> None:
    now = clock.now
    with runtime.uow() as uow:
        assert uow.jobs.claim("standing", "2026-10", "dead", now, lease_seconds=60)
        uow.commit()
    with runtime.uow() as uow:
        assert not uow.jobs.claim("standing", "2026-10", "b", now + timedelta(seconds=30))
        assert uow.jobs.claim("standing", "2026-10", "b", now + timedelta(seconds=61))
        # the dead process, were it to wake up, can no longer finish it
        assert not uow.jobs.finish("standing", "2026-10", "dead", now + timedelta(seconds=62))
        assert uow.jobs.finish("standing", "2026-10", "b", now + timedelta(seconds=62))
        uow.commit()


def _spec(func: object) -> JobSpec:
    return JobSpec("test-job", func, lambda _c: Monthly(), "a test job")  # type: ignore[arg-type]


def test_a_job_that_fails_is_recorded_failed_and_runs_again_next_time(runtime: Runtime) -> None:
    calls: list[str] = []

    def flaky(rt: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
        calls.append(period)
        if len(calls) == 1:
            raise RuntimeError("the database went away")
        return JobOutcome("fine")

    first = run_job(runtime, _spec(flaky), "2026-10", "me")
    assert first.status == RunStatus.FAILED and "went away" in (first.error or "")
    second = run_job(runtime, _spec(flaky), "2026-10", "me")
    assert second.status == RunStatus.DONE
    third = run_job(runtime, _spec(flaky), "2026-10", "someone else")
    assert third.status == RunStatus.ALREADY_DONE
    assert calls == ["2026-10", "2026-10"]


def test_work_and_done_are_committed_together_or_not_at_all(runtime: Runtime) -> None:
    def crashes_after_its_work(rt: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
        uow.outbox.enqueue("k:" + period, "slack", "post", "C1", {"text": "hi"}, rt.now())
        raise RuntimeError("crash before commit")

    result = run_job(runtime, _spec(crashes_after_its_work), "2026-10", "me")
    assert result.status == RunStatus.FAILED
    with runtime.reader() as uow:
        run = uow.jobs.status("test-job", "2026-10")
        assert run is not None and run.status == "failed"
        assert uow.outbox.by_key("k:2026-10") is None


def test_a_run_held_by_another_process_is_left_alone(runtime: Runtime, clock: FixedClock) -> None:
    with runtime.uow() as uow:
        uow.jobs.claim("test-job", "2026-10", "other", clock.now, lease_seconds=600)
        uow.commit()
    ran: list[str] = []
    result = run_job(
        runtime, _spec(lambda rt, p, uow: ran.append(p) or JobOutcome("x")), "2026-10", "me"
    )
    assert result.status == RunStatus.RUNNING_ELSEWHERE
    assert ran == []


def _claimed_by(runtime: Runtime, owner: str, clock: FixedClock) -> None:
    """A run of "test-job" for 2026-10 held by ``owner`` with 10 minutes of lease left."""
    with runtime.uow() as uow:
        assert uow.jobs.claim("test-job", "2026-10", owner, clock.now, lease_seconds=600)
        uow.commit()


def _ended_process() -> int:
    process = subprocess.Popen([sys.executable, "-c", "pass"])
    process.wait()
    return process.pid


def test_a_run_whose_process_on_this_machine_died_is_taken_over_at_once(
    runtime: Runtime, clock: FixedClock
) -> None:
    # What `creditbot jobs run` killed mid-run leaves: its claim, its lease running.
    dead = f"{socket.gethostname()}:{_ended_process()}:0badc0de"
    _claimed_by(runtime, dead, clock)
    ran: list[str] = []
    result = run_job(
        runtime, _spec(lambda rt, p, uow: ran.append(p) or JobOutcome("x")), "2026-10", worker_id()
    )
    assert result.status == RunStatus.DONE
    assert ran == ["2026-10"]
    # The dead process, were it somehow to finish, could not mark it done a second time.
    with runtime.uow() as uow:
        assert not uow.jobs.finish("test-job", "2026-10", dead, clock.now)


def test_a_run_held_by_a_live_process_or_another_machine_waits_for_its_lease(
    runtime: Runtime, clock: FixedClock
) -> None:
    ran: list[str] = []
    spec = _spec(lambda rt, p, uow: ran.append(p) or JobOutcome("x"))
    with subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"]) as alive:
        try:
            _claimed_by(runtime, f"{socket.gethostname()}:{alive.pid}:0badc0de", clock)
            assert run_job(runtime, spec, "2026-10", worker_id()).status == (
                RunStatus.RUNNING_ELSEWHERE
            )
        finally:
            alive.kill()
    with runtime.uow() as uow:  # another machine: its processes cannot be seen from here
        uow.jobs.fail(
            "test-job", "2026-10", f"{socket.gethostname()}:{alive.pid}:0badc0de", clock.now, "x"
        )
        uow.commit()
    _claimed_by(runtime, f"elsewhere.example:{_ended_process()}:0badc0de", clock)
    assert run_job(runtime, spec, "2026-10", worker_id()).status == RunStatus.RUNNING_ELSEWHERE
    assert ran == []
