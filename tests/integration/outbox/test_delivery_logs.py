"""What the delivery worker and the scheduler write to the logs: a private message's
outbox key (``standing:beta:2027-07:dm:U01BETA`` says which partner was warned) never
appears in a log line, whatever happens to the message; APScheduler's line for every
run is quiet unless the logs are at DEBUG."""

from __future__ import annotations

import logging
from datetime import timedelta

import pytest

from bot.gateways import Gateways
from bot.jobs.scheduler import Scheduler
from bot.outbox.worker import Pacer, deliver_due
from bot.runtime import Runtime
from tests.integration.outbox.fakes import ClockSleep, FakeSlack, server_error
from tests.support.clock import FixedClock

WARNING_KEY = "standing:beta:2027-07:dm:U01BETA"


def _dm(runtime: Runtime, key: str) -> None:
    with runtime.uow() as uow:
        payload = {"text": "private: Beta fell short", "blocks": None}
        uow.outbox.enqueue(key, "slack", "dm", "U01BETA", payload, runtime.now())
        uow.commit()


def test_a_private_message_is_logged_by_id_kind_and_target_type_never_by_key(
    runtime: Runtime, clock: FixedClock, caplog: pytest.LogCaptureFixture
) -> None:
    sleep = ClockSleep(clock)
    pacer = Pacer(0, sleep=sleep, monotonic=sleep.monotonic)
    _dm(runtime, WARNING_KEY)
    slack = FakeSlack(failures=[server_error() for _ in range(20)])
    with caplog.at_level(logging.DEBUG):
        for _ in range(runtime.config.outbox.max_attempts + 1):  # retried, then parked
            deliver_due(runtime, slack, None, clock.now, pacer=pacer)
            clock.set(clock.now + timedelta(hours=2))
        _dm(runtime, WARNING_KEY + ":again")
        sent = deliver_due(runtime, FakeSlack(), None, clock.now, pacer=pacer)
    assert [d.key for d in sent.sent] == [WARNING_KEY + ":again"]
    lines = [record.getMessage() for record in caplog.records]
    assert any("parked" in line for line in lines) and any(" sent" in line for line in lines)
    assert any("(slack dm to a person) sent" in line for line in lines), lines
    leaks = [line for line in lines if "beta" in line.lower() or "U01BETA" in line]
    assert leaks == []


@pytest.mark.parametrize(("root", "quiet"), [(logging.INFO, True), (logging.DEBUG, False)])
def test_apscheduler_says_each_run_only_when_the_logs_are_at_debug(
    runtime: Runtime, root: int, quiet: bool
) -> None:
    scheduler_logger = logging.getLogger("apscheduler")
    root_logger = logging.getLogger()
    saved = (scheduler_logger.level, root_logger.level)
    scheduler_logger.setLevel(logging.NOTSET)
    root_logger.setLevel(root)
    try:
        Scheduler(runtime, Gateways(), timed=False)
        # the logger of "Running job ..." and "... executed successfully"
        says_runs = logging.getLogger("apscheduler.executors.default").isEnabledFor(logging.INFO)
        assert says_runs is not quiet
    finally:
        scheduler_logger.setLevel(saved[0])
        root_logger.setLevel(saved[1])
