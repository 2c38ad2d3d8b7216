"""The token bucket that keeps creditbot under Discourse's 60 admin requests a minute."""

from __future__ import annotations

import threading

import pytest

from bot.discourse.ratelimit import TokenBucket


class FakeTime:
    """A clock that only moves when the bucket sleeps."""

    def __init__(self) -> None:
        self.now = 1000.0
        self.slept: list[float] = []

    def clock(self) -> float:
        return self.now

    def sleep(self, seconds: float) -> None:
        self.slept.append(seconds)
        self.now += seconds


def test_a_burst_goes_out_at_once_then_requests_are_spaced_out() -> None:
    time = FakeTime()
    bucket = TokenBucket(per_minute=50, burst=5, clock=time.clock, sleep=time.sleep)

    for _ in range(5):
        assert bucket.acquire() == 0
    waited = bucket.acquire()

    assert waited == pytest.approx(60 / 50)


def test_no_minute_ever_sees_sixty_requests() -> None:
    time = FakeTime()
    bucket = TokenBucket(per_minute=50, burst=5, clock=time.clock, sleep=time.sleep)
    moments: list[float] = []

    for _ in range(300):
        bucket.acquire()
        moments.append(time.now)

    busiest = max(sum(1 for m in moments if start <= m < start + 60) for start in moments)
    assert busiest < 60
    assert busiest <= 55


def test_an_idle_bucket_refills_only_up_to_its_burst() -> None:
    time = FakeTime()
    bucket = TokenBucket(per_minute=50, burst=5, clock=time.clock, sleep=time.sleep)
    time.now += 3600  # an hour of silence

    for _ in range(5):
        bucket.acquire()
    bucket.acquire()

    assert len(time.slept) == 1


def test_threads_share_one_budget() -> None:
    lock = threading.Lock()
    time = FakeTime()

    def sleep(seconds: float) -> None:
        with lock:
            time.sleep(seconds)

    bucket = TokenBucket(per_minute=60, burst=2, clock=time.clock, sleep=sleep)
    threads = [threading.Thread(target=bucket.acquire) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # eight requests at one a second after a burst of two need at least six seconds
    assert time.now - 1000.0 >= 6 - 1e-9


@pytest.mark.parametrize(("per_minute", "burst"), [(0, 5), (50, 0)])
def test_a_bucket_that_could_never_give_a_token_is_refused(per_minute: float, burst: int) -> None:
    with pytest.raises(ValueError):
        TokenBucket(per_minute=per_minute, burst=burst)
