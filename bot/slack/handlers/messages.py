"""Reading Slack messages: who wrote them, and whether a thread reply thanks someone."""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any

from bot.errors import ExternalServiceError
from bot.ports import SlackReader
from bot.slack.handlers.people import SLACKBOT
from scoring.thanks import (
    ThanksRules,
    ThanksVerdict,
    ThreadMessage,
    detect_thanks,
    verdict_from_text,
)

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


MAX_NAME_LOOKUPS = 20
"""At most this many ``users.info`` calls per thank-you (a thread's participants)."""


def participant_names(slack: SlackReader, users: set[str]) -> dict[str, tuple[str, ...]]:
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


def judge_thanks(
    slack: SlackReader,
    rules: ThanksRules,
    event: Mapping[str, Any],
    bot_user_id: str | None,
) -> tuple[ThanksVerdict | None, dict[str, Any] | None, dict[str, str]]:
    """For a thread reply: is it a thanks, which earlier message helped, and the ts of
    the latest message of each other person it thanks ("thanks @ana and @bob"), so that
    a lead who credits one of them credits their own message.

    The thread is read only when the reply's text reads as a thank-you: most replies
    are not, and ``conversations.replies`` is one of Slack's slower, rate-limited calls.
    """
    ts, thread_ts = str(event.get("ts")), event.get("thread_ts")
    if not thread_ts or str(thread_ts) == ts:
        return None, None, {}
    message = ThreadMessage(str(event["user"]), str(event.get("text") or ""), ts)
    if (decided := verdict_from_text(message, rules)) is not None:
        return decided, None, {}
    try:
        earlier_raw = slack.thread_replies(str(event["channel"]), str(thread_ts), ts)
    except ExternalServiceError as error:
        if error.transient:
            raise
        log.warning("cannot read the thread of %s: %s", ts, error.detail)
        earlier_raw = []  # a thanks that names the helper still counts
    kept = [
        m
        for m in earlier_raw
        if m.get("ts") and m.get("subtype") in PERSON_SUBTYPES | {"bot_message"}
    ]
    names = participant_names(slack, {str(m["user"]) for m in kept if m.get("user")})
    earlier = [
        ThreadMessage(
            user=(user := str(m.get("user") or m.get("bot_id") or "")),
            text=str(m.get("text") or ""),
            ts=str(m.get("ts")),
            is_bot=is_bot_message(m, bot_user_id),
            names=names.get(user, ()),
        )
        for m in kept
    ]
    verdict = detect_thanks(message, earlier, rules)
    if not verdict.is_thanks or not verdict.helper:
        return verdict, None, {}
    others = {
        other: str(found["ts"])
        for other in verdict.others
        if (found := last_message_of(earlier_raw, other, bot_user_id)) is not None
    }
    return verdict, last_message_of(earlier_raw, verdict.helper, bot_user_id), others


def last_message_of(
    messages: Sequence[Mapping[str, Any]], user: str, bot_user_id: str | None
) -> dict[str, Any] | None:
    """The latest of ``messages`` (a thread, oldest first) that ``user`` wrote, if any."""
    by_user = [m for m in messages if m.get("user") == user and not is_bot_message(m, bot_user_id)]
    return dict(by_user[-1]) if by_user else None
