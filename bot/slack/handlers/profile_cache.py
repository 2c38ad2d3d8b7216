"""``users.info`` answers kept for a few minutes, for the handling of Slack events.

A thank-you reads the names of everyone in its thread (so that "thanks Ana" finds Ana),
and a message the profile of a person seen for the first time or long ago (see
:mod:`bot.services.ledger.slack_people`): in a busy thread the same people would be
asked about again on every message, and Slack rate-limits ``users.info`` (tier 4). So
the event handlers keep each answer for :data:`PROFILE_SECONDS`: a user, or that Slack
does not describe them (``user_not_found``: another workspace's person in a shared
channel). Slack being unavailable (a transient error) is never kept. The time is the
runtime's clock, so tests move it; at most :data:`CAPACITY` users are kept.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any

from bot.errors import ExternalServiceError
from bot.slack.handlers.people import ProfileSource

PROFILE_SECONDS = 300
CAPACITY = 10_000


class CachedProfiles:
    """A :class:`ProfileSource` that asks ``source`` once per user per few minutes."""

    def __init__(
        self,
        source: ProfileSource,
        clock: Callable[[], datetime],
        *,
        seconds: float = PROFILE_SECONDS,
        capacity: int = CAPACITY,
    ) -> None:
        self._source = source
        self._clock = clock
        self._keep_for = timedelta(seconds=seconds)
        self._capacity = capacity
        #: user id -> (kept until, the user, or the detail of Slack's refusal)
        self._kept: dict[str, tuple[datetime, dict[str, Any] | str]] = {}

    def user_info(self, user_id: str) -> dict[str, Any]:
        now = self._clock()
        kept = self._kept.get(user_id)
        if kept is not None and kept[0] > now:
            return _answer(kept[1])
        try:
            user = self._source.user_info(user_id)
        except ExternalServiceError as error:
            if not error.transient:
                self._keep(user_id, error.detail, now)
            raise
        self._keep(user_id, user, now)
        return dict(user)

    def _keep(self, user_id: str, answer: dict[str, Any] | str, now: datetime) -> None:
        if len(self._kept) >= self._capacity:
            self._kept = {u: k for u, k in self._kept.items() if k[0] > now}
            if len(self._kept) >= self._capacity:
                self._kept.clear()
        self._kept[user_id] = (now + self._keep_for, answer)


def _answer(kept: dict[str, Any] | str) -> dict[str, Any]:
    """A kept answer as Slack gave it: a copy of the user, or the refusal raised again."""
    if isinstance(kept, str):
        raise ExternalServiceError("Slack", kept, transient=False)
    return dict(kept)
