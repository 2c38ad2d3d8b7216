"""A client-side token bucket, so the bot stays under Discourse's admin API limit.

Discourse allows 60 admin API requests per minute by default
(``max_admin_api_reqs_per_minute``); the bucket refills below that and holds a small
burst, so no 60-second window ever sees more than ``burst + per_minute`` requests.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class TokenBucket:
    """``acquire()`` waits (through the injected ``sleep``) until a request may go."""

    def __init__(
        self,
        per_minute: float = 50,
        burst: int = 5,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if per_minute <= 0 or burst < 1:
            raise ValueError("per_minute must be positive and burst at least 1")
        self._rate = per_minute / 60.0
        self._burst = float(burst)
        self._tokens = float(burst)
        self._clock = clock
        self._sleep = sleep
        self._updated = clock()
        self._lock = threading.Lock()

    def try_acquire(self) -> float:
        """Take one token if there is one (0.0); else the seconds until there will be,
        taking nothing (for callers that must not sleep)."""
        with self._lock:
            now = self._clock()
            self._tokens = min(self._burst, self._tokens + (now - self._updated) * self._rate)
            self._updated = now
            # a hair of tolerance: refilling by float arithmetic may land just short of 1
            if self._tokens >= 1 - 1e-9:
                self._tokens = max(self._tokens - 1, 0.0)
                return 0.0
            return (1 - self._tokens) / self._rate

    def acquire(self) -> float:
        """Take one token, waiting if needed; returns the seconds waited."""
        waited = 0.0
        # Sleep outside the lock (try_acquire holds it) so other threads see the refill.
        while (wait := self.try_acquire()) > 0:
            self._sleep(wait)
            waited += wait
        return waited
