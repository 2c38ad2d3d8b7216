"""Slack reactions: a nominating emoji asks the team leads about a message, a team
lead's confirm emoji credits it at once.

Nobody can nominate or confirm their own message, nor a bot's; a message already
credited stays so. Like every event (see :mod:`bot.slack.handlers.events`), Slack is
read first, then one transaction records the event with its effects.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.ports import SlackReader
from bot.runtime import Runtime
from bot.services.inbox import DUPLICATE, EventOutcome
from bot.services.inbox import ignored as _ignored
from bot.services.ledger.messages import permalink_if_new
from bot.services.ledger.slack_people import SLACKBOT, may_earn, slack_member
from bot.services.ledger.suggestions import (
    already_credited,
    confirm_message,
    open_suggestion,
    ts_problem,
)
from bot.services.transactions import in_transaction
from bot.slack.handlers.inbox import already_handled, record_handled
from bot.slack.handlers.messages import PERSON_SUBTYPES, is_bot_message
from bot.slack.handlers.people import fresh_profiles
from scoring.models import Identity, IdentityKind, Member
from scoring.suggestions import snippet
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class _Reaction:
    """A reaction to a message: where, which emoji, who reacted, who wrote it, its text."""

    channel: str
    ts: str
    emoji: str
    reactor: str
    author: str
    text: str

    def message_of(self, member: Member) -> dict[str, Any]:
        """The message reacted to, as the ledger's use cases take it."""
        return {
            "channel": self.channel,
            "message_ts": self.ts,
            "author": member,
            "author_ref": self.author,
            "snippet": snippet(self.text),
        }


class SlackReactions:
    """The use of reactions, for one runtime and one workspace."""

    def __init__(
        self, runtime: Runtime, slack: SlackReader, deliver: Callable[[Sequence[str]], None]
    ) -> None:
        self.runtime = runtime
        self.slack = slack
        self.deliver = deliver

    @property
    def config(self) -> ProgrammeConfig:
        return self.runtime.config

    def on_reaction(
        self, envelope: Mapping[str, Any], bot_user_id: str | None, entry_id: int | None = None
    ) -> EventOutcome:
        event = envelope.get("event") or {}
        why, mode = self.triage(event, bot_user_id)
        if why is not None:
            return _ignored(why)
        item = event["item"]
        channel, ts = str(item.get("channel") or ""), str(item.get("ts") or "")
        if already_handled(self.runtime, envelope, entry_id):
            return DUPLICATE
        now = self.runtime.now()
        message = self.slack.message(channel, ts)
        reaction = _Reaction(
            channel=channel,
            ts=ts,
            emoji=str(event.get("reaction") or "").split("::", 1)[0],
            reactor=str(event.get("user") or ""),
            author=str(event.get("item_user") or (message or {}).get("user") or ""),
            text=str((message or {}).get("text") or ""),
        )
        why = self._why_reaction_earns_nothing(reaction, message, bot_user_id)
        if why is not None:
            return _ignored(why)
        author = reaction.author
        profiles = fresh_profiles(self.runtime, self.slack, [author], now)
        permalink = (
            permalink_if_new(self.runtime, self.slack, channel, ts) if mode == "nominate" else None
        )

        def write(uow: UnitOfWork) -> EventOutcome:
            if not record_handled(uow, envelope, now, entry_id):
                return DUPLICATE
            member = slack_member(uow, self.config, author, profiles, now)
            if not may_earn(member, profiles.get(author), bot_user_id):
                return _ignored("bots and deleted users never earn credit")
            assert member is not None
            if mode == "confirm":
                return self._confirm(uow, reaction, member, now)
            return self._nominate(uow, reaction, member, permalink, now)

        outcome = in_transaction(self.runtime, write)
        if outcome.outbox_keys:
            self.deliver(outcome.outbox_keys)
        return outcome

    def _why_reaction_earns_nothing(
        self, reaction: _Reaction, message: Mapping[str, Any] | None, bot_user_id: str | None
    ) -> str | None:
        """Why a reaction on this message credits or nominates nobody; None if it may."""
        if message is not None and (
            message.get("subtype") not in PERSON_SUBTYPES or is_bot_message(message, bot_user_id)
        ):
            return "a bot's message or not a person's message"
        if not reaction.author or reaction.author in (bot_user_id, SLACKBOT):
            return "no person wrote it"
        if reaction.author == reaction.reactor:
            return "nobody can nominate or confirm their own message"
        with self.runtime.reader() as uow:
            reacting = uow.members.find(Identity(IdentityKind.SLACK, reaction.reactor))
            if reacting is not None and reacting.is_bot:
                return "a bot's reaction"
            if already_credited(uow, reaction.channel, reaction.ts, reaction.author):
                return "already credited"
        return None

    def _confirm(
        self, uow: UnitOfWork, reaction: _Reaction, member: Member, now: datetime
    ) -> EventOutcome:
        """A team lead's confirm emoji: the message's author is credited."""
        credit, key = confirm_message(
            uow,
            self.config,
            **reaction.message_of(member),
            by=reaction.reactor,
            emoji=reaction.emoji,
            now=now,
        )
        return EventOutcome(
            "done" if credit else "ignored",
            "credited" if credit else "already credited",
            credit_id=credit.id if credit else None,
            outbox_keys=(key,) if key else (),
        )

    def _nominate(
        self,
        uow: UnitOfWork,
        reaction: _Reaction,
        member: Member,
        permalink: str | None,
        now: datetime,
    ) -> EventOutcome:
        """A nominating emoji: a question to the team leads about the message."""
        suggestion, key = open_suggestion(
            uow,
            self.config,
            **reaction.message_of(member),
            reason=f"<@{reaction.reactor}> nominated it with :{reaction.emoji}:",
            permalink=permalink,
            suggested_by=reaction.reactor,
            now=now,
        )
        if suggestion is None:
            return _ignored("this message already has a question")
        return EventOutcome("done", "nominated", suggestion.id, None, (key,) if key else ())

    def triage(self, event: Mapping[str, Any], bot_user_id: str | None) -> tuple[str | None, str]:
        """(why the reaction needs nothing, or None; "confirm" or "nominate")."""
        item = event.get("item") or {}
        if not isinstance(item, Mapping) or item.get("type") != "message":
            return "not a reaction to a message", ""
        emoji = str(event.get("reaction") or "").split("::", 1)[0]
        reactor = str(event.get("user") or "")
        slack = self.config.slack
        if emoji == slack.confirm_emoji and self.config.is_team_lead(reactor):
            mode = "confirm"
        elif emoji == slack.nominate_emoji:
            mode = "nominate"
        else:
            return f"reaction :{emoji}:", ""
        if not reactor or reactor in (bot_user_id, SLACKBOT):
            return "a bot's reaction", mode
        if not (isinstance(item.get("channel"), str) and item["channel"] and item.get("ts")):
            return "no message", mode
        if (problem := ts_problem(item["ts"], self.runtime.now().date())) is not None:
            return problem, mode
        author = event.get("item_user")  # when Slack says who wrote it (else: read later)
        if author and author in (bot_user_id, SLACKBOT):
            return "no person wrote it", mode
        if author and author == reactor:
            return "nobody can nominate or confirm their own message", mode
        return None, mode
