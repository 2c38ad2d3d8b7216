"""A person's message in a channel: their activity, and a question to the team leads
when it thanks someone who helped.

:func:`record_message` is the whole use case: ``scoring`` reads the message (and, only
when its text alone does not decide, the thread before it) for a thank-you and who
helped; the people it names are made members from fresh profiles; then one transaction
records the delivery in the inbox with the effects (activity, members, the question
and its outbox row). The chat platform is read through a :class:`MessageSource`,
before the transaction opens, so no database lock is held while it answers.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from functools import partial
from typing import Protocol

from bot.config import ProgrammeConfig
from bot.runtime import Runtime
from bot.services.inbox import DUPLICATE, Delivery, EventOutcome, record_delivery, was_handled
from bot.services.ledger.slack_people import (
    SLACKBOT,
    SlackProfile,
    earning_members,
    profiles_to_read,
)
from bot.services.ledger.suggestions import open_suggestion, ts_to_datetime
from bot.services.transactions import in_transaction
from scoring.models import Member
from scoring.months import local_date
from scoring.thanks import ThreadMessage
from scoring.thanks_reading import ThanksReading, Thread, read_thanks
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class PostedMessage:
    """A person's message: who, where, when (Slack's ``ts``), what, and its thread."""

    user: str
    channel: str
    ts: str
    text: str
    thread_ts: str | None = None

    @property
    def is_reply(self) -> bool:
        return bool(self.thread_ts) and self.thread_ts != self.ts

    def as_thread_message(self) -> ThreadMessage:
        return ThreadMessage(self.user, self.text, self.ts)


class Permalinks(Protocol):
    def permalink(self, channel: str, ts: str) -> str | None: ...


class MessageSource(Permalinks, Protocol):
    """What the chat platform tells about a message, read only when the use case asks."""

    def thread_before(self, message: PostedMessage) -> Thread: ...

    def profiles(self, user_ids: Sequence[str]) -> dict[str, SlackProfile]: ...


@dataclass(frozen=True)
class _Read:
    """What was read before the transaction: the thanks, fresh profiles, a permalink."""

    thanks: ThanksReading
    profiles: Mapping[str, SlackProfile]
    permalink: str | None


def record_message(
    runtime: Runtime,
    source: MessageSource,
    message: PostedMessage,
    delivery: Delivery,
    bot_user_id: str | None,
) -> EventOutcome:
    """Record a person's message (a duplicate delivery changes nothing): activity for
    its author, and a question about the helper's message when it thanks someone."""
    if was_handled(runtime, delivery):
        return DUPLICATE
    now = runtime.now()
    config = runtime.config
    thread = partial(source.thread_before, message) if message.is_reply else None
    not_people = [who for who in (SLACKBOT, bot_user_id) if who]
    thanks = read_thanks(message.as_thread_message(), thread, config.thanks_rules, not_people)
    helper = [thanks.helper] if thanks.helper else []
    profiles = source.profiles(
        profiles_to_read(runtime, [message.user, *helper, *thanks.others], now)
    )
    permalink = None
    if thanks.helper and thanks.target is not None:
        permalink = permalink_if_new(runtime, source, message.channel, thanks.target.ts)

    def write(uow: UnitOfWork) -> EventOutcome:
        if not record_delivery(uow, delivery, now):
            return DUPLICATE
        users = [message.user, *helper]
        people = earning_members(uow, config, users, profiles, now, bot_user_id)
        read = _Read(thanks, profiles, permalink)
        asked = _ask_about_help(uow, config, message, read, people, now, bot_user_id)
        if (author := people.get(message.user)) is not None:
            _record_activity(uow, config, author, message)
        return asked

    return in_transaction(runtime, write)


def permalink_if_new(runtime: Runtime, source: Permalinks, channel: str, ts: str) -> str | None:
    """The message's permalink, asked for only when no question about it exists yet."""
    with runtime.reader() as uow:
        if uow.suggestions.for_message(channel, ts) is not None:
            return None
    return source.permalink(channel, ts)


def _record_activity(
    uow: UnitOfWork, config: ProgrammeConfig, author: Member, message: PostedMessage
) -> None:
    """The message as activity of its author (one who may earn), on its local day."""
    at = ts_to_datetime(message.ts)
    uow.activity.record(author.id, "slack_message", at, local_date(at, config.tz))
    uow.members.seen(author.id, at)


def _ask_about_help(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    message: PostedMessage,
    read: _Read,
    people: Mapping[str, Member],
    now: datetime,
    bot_user_id: str | None,
) -> EventOutcome:
    """A question to the team leads about the helper's message, when a thanks names
    someone who may earn credit (``people``: the author and helper who may)."""
    thanks = read.thanks
    verdict, helper, target = thanks.verdict, thanks.helper, thanks.target
    if helper is None or verdict is None or target is None:
        return EventOutcome("done", thanks.detail)
    helped = people.get(helper)
    if helped is None:
        return EventOutcome("done", f"{thanks.detail} (the helper cannot earn credit)")
    also = earning_members(uow, config, thanks.others, read.profiles, now, bot_user_id)
    suggestion, key = open_suggestion(
        uow,
        config,
        channel=message.channel,
        message_ts=target.ts,
        author=helped,
        author_ref=helper,
        reason=verdict.reason,
        snippet=thanks.target_snippet,
        permalink=read.permalink,
        suggested_by=message.user,
        now=now,
        helpers=[(helper, helped.name), *((o, m.name) for o, m in also.items())] if also else (),
    )
    if suggestion is not None and verdict.rule:
        who_else = list(also)
        uow.thanks_triggers.record(
            suggestion.id, verdict.rule, verdict.phrase, who_else, dict(thanks.others_ts)
        )
    suggestion_id = suggestion.id if suggestion else None
    return EventOutcome("done", thanks.detail, suggestion_id, None, (key,) if key else ())
