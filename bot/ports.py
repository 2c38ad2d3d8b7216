"""Every gateway the core talks through, as a Protocol: no adapter library is imported here.

What the bot asks of Slack and of the forum (the adapters in ``bot/slack/gateway.py`` and
``bot/discourse/gateway.py`` implement them; the tests' stand-ins answer them too):

    SlackGateway            what the bot posts (the outbox worker, the jobs)
      SlackReader           + what the Slack adapter reads (threads, one message, views)
    SlackSender             the outbox worker's share of SlackGateway
    DiscourseGateway        what the bot asks of the forum
      DiscourseReader       + the reads of the webhook processing and the sync
    DiscourseSender         the outbox worker's share of DiscourseGateway
    BadgeSender             granting a badge (checked at run time)
"""

from __future__ import annotations

from typing import Any, Protocol, runtime_checkable

Blocks = list[dict[str, Any]]


class SlackGateway(Protocol):
    """What the bot posts (shared with the outbox worker and the jobs)."""

    def post_message(
        self, channel: str, text: str, blocks: Blocks | None = None, thread_ts: str | None = None
    ) -> str: ...

    def update_message(
        self, channel: str, ts: str, text: str, blocks: Blocks | None = None
    ) -> None: ...

    def post_ephemeral(
        self, channel: str, user: str, text: str, blocks: Blocks | None = None
    ) -> None: ...

    def send_dm(self, user: str, text: str, blocks: Blocks | None = None) -> str: ...

    def user_info(self, user_id: str) -> dict[str, Any]: ...

    def permalink(self, channel: str, ts: str) -> str | None: ...

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None: ...


class SlackReader(SlackGateway, Protocol):
    """What the Slack adapter also reads."""

    def thread_replies(self, channel: str, thread_ts: str, before: str) -> list[dict[str, Any]]:
        """The messages of a thread (its parent first) posted before ``before``."""
        ...

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        """One message (top-level or in a thread), or None if it cannot be read."""
        ...

    def who_am_i(self) -> dict[str, Any]:
        """``auth.test``: the bot's ``user_id``, ``bot_id`` and ``team_id``."""
        ...

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        """``views.open``: show a modal to the person whose click or command gave the
        ``trigger_id`` (valid for 3 seconds)."""
        ...


class SlackSender(Protocol):
    """What the worker needs of ``bot.slack.gateway.SlackGateway``."""

    def post_message(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> str: ...

    def update_message(
        self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None: ...

    def send_dm(self, user: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str: ...


class DiscourseGateway(Protocol):
    """What the rest of creditbot may ask of the forum (agreed in TEAM.md)."""

    def create_topic(
        self, title: str, raw: str, category_id: int, external_id: str | None = None
    ) -> tuple[int, int]: ...

    def find_topic(self, external_id: str) -> int | None: ...

    def send_private_message(self, usernames: list[str], title: str, raw: str) -> int: ...

    def user_email(self, username: str) -> str | None: ...

    def user(self, username: str) -> dict[str, Any]: ...


class DiscourseReader(DiscourseGateway, Protocol):
    """The reads the webhook processing and the sync need as well."""

    def topic(self, topic_id: int, slug: str | None = None) -> dict[str, Any] | None: ...

    def post_by_number(self, topic_id: int, post_number: int) -> dict[str, Any] | None: ...

    def latest_posts(self, before: int | None = None) -> list[dict[str, Any]]: ...

    def solved_topics(self, category_id: int, page: int = 0) -> tuple[list[dict[str, Any]], bool]:
        """One page of a category's solved topics, most recently active first; (topics, more)."""
        ...


class DiscourseSender(Protocol):
    """What the worker needs of ``bot.discourse.gateway.DiscourseGateway``."""

    def create_topic(
        self, title: str, raw: str, category_id: int, external_id: str | None = None
    ) -> tuple[int, int]: ...

    def find_topic(self, external_id: str) -> int | None: ...

    def send_private_message(self, usernames: list[str], title: str, raw: str) -> int: ...


@runtime_checkable
class PostEditor(Protocol):
    """Editing a published topic's first post (``PydiscourseGateway`` has it)."""

    def edit_first_post(self, topic_id: int, raw: str, reason: str) -> int: ...


@runtime_checkable
class BadgeSender(Protocol):
    """What granting a badge needs of the gateway (``PydiscourseGateway`` has it all)."""

    def find_topic(self, external_id: str) -> int | None: ...

    def badges(self) -> list[dict[str, Any]]: ...

    def create_badge(self, name: str, description: str, badge_type_id: int) -> int: ...

    def grant_badge(self, username: str, badge_id: int, reason: str) -> None: ...
