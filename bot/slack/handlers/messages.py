"""Reading Slack messages: who wrote them; a message event and its thread, for the ledger."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any

from bot.errors import ExternalServiceError
from bot.ports import SlackReader
from bot.services.ledger.messages import PostedMessage
from bot.services.ledger.slack_people import SLACKBOT, SlackProfile
from bot.services.ledger.suggestions import ts_problem
from bot.slack.handlers.people import ProfileSource, known_profiles
from scoring.thanks import ThreadMessage
from scoring.thanks_reading import Thread

log = logging.getLogger("creditbot.slack.events")

# Subtypes that are still a person speaking: a reply also sent to the channel, a file
# with a comment. Every other subtype (edits, deletions, joins, bot messages...) is not.
PERSON_SUBTYPES = frozenset({None, "thread_broadcast", "file_share"})


def is_bot_message(message: Mapping[str, Any], bot_user_id: str | None) -> bool:
    return bool(
        message.get("bot_id")
        or message.get("subtype") == "bot_message"
        or message.get("user") in (SLACKBOT, bot_user_id)
    )


def message_triage(event: Mapping[str, Any], bot_user_id: str | None, today: date) -> str | None:
    """Why a message event needs nothing (from the event alone), or None."""
    subtype = event.get("subtype")
    if subtype not in PERSON_SUBTYPES:
        return f"message subtype {subtype}"
    if event.get("hidden") or is_bot_message(event, bot_user_id):
        return "a bot's message"
    if not all(isinstance(event.get(key), str) and event[key] for key in ("user", "channel", "ts")):
        return "no author"
    if event.get("channel_type") in ("im", "mpim"):
        return "a private conversation"
    return ts_problem(event["ts"], today)


MAX_NAME_LOOKUPS = 20
"""At most this many ``users.info`` calls per thank-you (a thread's participants)."""


def participant_names(slack: ProfileSource, users: set[str]) -> dict[str, tuple[str, ...]]:
    """Each thread participant's handle, display name and real name, from ``users.info``,
    so that "thanks Ana" finds Ana. A user Slack cannot describe has no names."""
    names: dict[str, tuple[str, ...]] = {}
    for user in sorted(users)[:MAX_NAME_LOOKUPS]:
        try:
            info = slack.user_info(user)
        except ExternalServiceError as error:
            if error.transient:
                raise
            log.warning("no Slack profile for %s: %s", user, error.detail)
            continue
        profile = info.get("profile")
        if not isinstance(profile, Mapping):
            profile = {}
        found = (
            info.get("name"),
            profile.get("display_name"),
            profile.get("real_name") or info.get("real_name"),
        )
        names[user] = tuple(str(name) for name in found if name)
    return names


class SlackMessageSource:
    """What Slack tells about a message, for :func:`bot.services.ledger.messages.record_message`:
    the thread before a reply (``conversations.replies``, and ``users.info`` for the
    names of its participants), profiles, a permalink. ``profiles`` answers the
    ``users.info`` reads (Slack itself unless given: see
    :mod:`bot.slack.handlers.profile_cache`)."""

    def __init__(
        self, slack: SlackReader, bot_user_id: str | None, profiles: ProfileSource | None = None
    ) -> None:
        self.slack = slack
        self.bot_user_id = bot_user_id
        self.people: ProfileSource = profiles or slack

    def thread_before(self, message: PostedMessage) -> Thread:
        """The thread's messages before this reply, the people's with their names."""
        try:
            raw = self.slack.thread_replies(message.channel, str(message.thread_ts), message.ts)
        except ExternalServiceError as error:
            if error.transient:
                raise
            log.warning("cannot read the thread of %s: %s", message.ts, error.detail)
            raw = []  # a thanks that names the helper still counts
        kept = [
            m for m in raw if m.get("ts") and m.get("subtype") in PERSON_SUBTYPES | {"bot_message"}
        ]
        names = participant_names(self.people, {str(m["user"]) for m in kept if m.get("user")})
        earlier = [
            ThreadMessage(
                user=(user := str(m.get("user") or m.get("bot_id") or "")),
                text=str(m.get("text") or ""),
                ts=str(m.get("ts")),
                is_bot=is_bot_message(m, self.bot_user_id),
                names=names.get(user, ()),
            )
            for m in kept
        ]
        return Thread(earlier, self._latest_of_each(raw))

    def _latest_of_each(self, messages: Sequence[Mapping[str, Any]]) -> dict[str, ThreadMessage]:
        """Each person's latest message of a thread (oldest first); never a bot's."""
        latest: dict[str, ThreadMessage] = {}
        for m in messages:
            if m.get("user") and not is_bot_message(m, self.bot_user_id):
                user = str(m["user"])
                latest[user] = ThreadMessage(user, str(m.get("text") or ""), str(m.get("ts")))
        return latest

    def profiles(self, user_ids: Sequence[str]) -> dict[str, SlackProfile]:
        return known_profiles(self.people, user_ids)

    def permalink(self, channel: str, ts: str) -> str | None:
        return self.slack.permalink(channel, ts)


def posted_message(event: Mapping[str, Any]) -> PostedMessage:
    """A message event (one :func:`bot.slack.handlers.events` triage let through), as
    the ledger takes it."""
    thread_ts = event.get("thread_ts")
    return PostedMessage(
        user=str(event["user"]),
        channel=str(event["channel"]),
        ts=str(event["ts"]),
        text=str(event.get("text") or ""),
        thread_ts=str(thread_ts) if thread_ts else None,
    )
