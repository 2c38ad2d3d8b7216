"""Small fakes of the Slack and Discourse gateways (the worker's Protocols), recording
what was sent and failing on request like the real gateways do."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

from bot.errors import ExternalServiceError
from tests.support.clock import FixedClock


def rate_limited(seconds: float) -> ExternalServiceError:
    return ExternalServiceError(
        "Slack", "chat.postMessage failed: ratelimited", retry_after=seconds
    )


def server_error() -> ExternalServiceError:
    return ExternalServiceError("Slack", "chat.postMessage failed: HTTP 500")


def refused(code: str = "channel_not_found") -> ExternalServiceError:
    return ExternalServiceError("Slack", f"chat.postMessage failed: {code}", transient=False)


@dataclass
class FakeSlack:
    posts: list[tuple[str, str]] = field(default_factory=list)  # (channel or user, text)
    failures: list[Exception] = field(default_factory=list)  # raised by the next calls
    failures_in: dict[str, list[Exception]] = field(default_factory=dict)  # by channel
    calls: int = 0

    def _maybe_fail(self, channel: str) -> None:
        self.calls += 1
        if self.failures_in.get(channel):
            raise self.failures_in[channel].pop(0)
        if self.failures:
            raise self.failures.pop(0)

    def post_message(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        self._maybe_fail(channel)
        self.posts.append((channel, text))
        return f"17000000{len(self.posts):02d}.000100"

    def update_message(
        self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        self._maybe_fail(channel)
        self.posts.append((channel, f"updated {ts}: {text}"))

    def send_dm(self, user: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        return self.post_message(user, text, blocks)


@dataclass
class FakeDiscourse:
    topics: dict[int, tuple[str, str | None]] = field(default_factory=dict)  # id -> title, ext
    messages: list[tuple[list[str], str]] = field(default_factory=list)
    failures: list[Exception] = field(default_factory=list)
    created: int = 0

    def create_topic(
        self, title: str, raw: str, category_id: int, external_id: str | None = None
    ) -> tuple[int, int]:
        if self.failures:
            raise self.failures.pop(0)
        topic_id = 500 + len(self.topics)
        self.topics[topic_id] = (title, external_id)
        self.created += 1
        return topic_id, topic_id * 10

    def find_topic(self, external_id: str) -> int | None:
        return next((t for t, (_, ext) in self.topics.items() if ext == external_id), None)

    def send_private_message(self, usernames: list[str], title: str, raw: str) -> int:
        if self.failures:
            raise self.failures.pop(0)
        self.messages.append((usernames, title))
        return 800 + len(self.messages)


class ClockSleep:
    """A ``sleep`` that moves the test clock instead of waiting, and remembers the waits."""

    def __init__(self, clock: FixedClock) -> None:
        self.clock = clock
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)
        self.clock.set(self.clock.now + timedelta(seconds=seconds))

    def monotonic(self) -> float:
        return self.clock.now.timestamp()
