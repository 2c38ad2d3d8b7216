"""Slack events: messages (activity, thank-yous), reactions (nominate, confirm), joins.

Each handler takes the event envelope exactly as Slack sends it and works in three
steps, so that no database lock is held while Slack answers:

1. read what is needed from Slack (the thread, profiles of people seen for the first
   time or long ago, a permalink);
2. one transaction: the envelope's ``event_id`` is recorded in the inbox *with* the
   effects (activity, member, suggestion, credit, outbox rows); a redelivered event
   finds its id there and changes nothing;
3. after the commit, deliver the outbox messages this event produced.

Bots, the app itself, deleted users and message subtypes (edits, joins, bot
messages...) never earn credit; nobody can suggest or confirm their own message. A
message is translated once and handed to one use case
(:func:`bot.services.ledger.messages.record_message`); reactions are
:mod:`bot.slack.handlers.reactions`.

Over HTTP the inbox row comes first: :meth:`SlackEvents.receive` records an event
that :meth:`SlackEvents.triage` did not rule out (pending, before the ack), and
:meth:`SlackEvents.handle_entry` handles it later (the event worker of
:mod:`bot.slack.intake.worker`, or :meth:`SlackEvents.process_pending` for one left
waiting); step 2 then marks that row done with the effects instead of inserting it.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Mapping, Sequence
from datetime import UTC, datetime, timedelta
from typing import Any

from bot.config import ProgrammeConfig
from bot.ports import SlackReader
from bot.runtime import Runtime
from bot.services.inbox import DUPLICATE, EventOutcome
from bot.services.inbox import ignored as _ignored
from bot.services.ledger.messages import record_message
from bot.services.ledger.slack_people import slack_member
from bot.services.transactions import in_transaction
from bot.slack.handlers.inbox import (
    INBOX_SOURCE,
    delivery_of,
    event_key,
    event_kind,
    record_failure,
    record_handled,
)
from bot.slack.handlers.messages import (
    SlackMessageSource,
    message_triage,
    posted_message,
)
from bot.slack.handlers.people import profile_from_user
from bot.slack.handlers.profile_cache import CachedProfiles
from bot.slack.handlers.reactions import SlackReactions
from storage.spool import EventSpool
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.slack.events")

CLAIM_SECONDS = 120
#: Spooled events moved into the inbox in one transaction.
SPOOL_BATCH = 200
Deliver = Callable[[Sequence[str]], None]

#: The events :meth:`SlackEvents.handle` understands (the others are only acked).
KINDS = frozenset({"message", "reaction_added", "team_join"})


class SlackEvents:
    """The use cases behind Slack's events, for one runtime and one workspace."""

    def __init__(self, runtime: Runtime, slack: SlackReader, deliver: Deliver) -> None:
        self.runtime = runtime
        self.slack = slack
        self.deliver = deliver
        self.reactions = SlackReactions(runtime, slack, deliver)
        self.profiles = CachedProfiles(slack, runtime.now)

    @property
    def config(self) -> ProgrammeConfig:
        return self.runtime.config

    # -- plumbing ----------------------------------------------------------------------
    def handle(
        self, envelope: Mapping[str, Any], bot_user_id: str | None, entry_id: int | None = None
    ) -> EventOutcome:
        """Any event this adapter understands (used to handle a stored event again)."""
        kind = (envelope.get("event") or {}).get("type")
        if kind == "message":
            return self.on_message(envelope, bot_user_id, entry_id)
        if kind == "reaction_added":
            return self.on_reaction(envelope, bot_user_id, entry_id)
        if kind == "team_join":
            return self.on_team_join(envelope, entry_id)
        return _ignored(f"event {kind}")

    def triage(self, envelope: Mapping[str, Any], bot_user_id: str | None) -> str | None:
        """Why an event needs nothing, seen from the envelope alone (no database, no
        Slack call), or None if it must be handled (and so recorded in the inbox)."""
        event = envelope.get("event") or {}
        kind = event.get("type")
        if kind == "message":
            return message_triage(event, bot_user_id, self.runtime.now().date())
        if kind == "reaction_added":
            return self.reactions.triage(event, bot_user_id)[0]
        if kind == "team_join":
            user = event.get("user")
            return None if isinstance(user, Mapping) and user.get("id") else "no user"
        return f"event {kind}"

    def receive(self, events: Sequence[tuple[Mapping[str, Any], str, bool]]) -> list[int | None]:
        """Record events in the inbox as they arrive (before the ack), in one transaction:
        each as (envelope, the body as received, held). Their entry ids, None for an
        ``event_id`` received before (nothing to do again).

        Held: the receiving process will handle it soon itself, so the entry is claimed
        for :data:`CLAIM_SECONDS` (:meth:`process_pending` takes it only if that process
        died); otherwise it is due at once for :meth:`process_pending`.
        """
        now = self.runtime.now()
        held_until = now + timedelta(seconds=CLAIM_SECONDS)
        with self.runtime.uow() as uow:
            ids = [
                uow.inbox.record(
                    INBOX_SOURCE,
                    event_key(envelope),
                    event_kind(envelope),
                    payload,
                    now,
                    due=held_until if held else now,
                )
                for envelope, payload, held in events
            ]
            uow.commit()
        return ids

    def take_spooled(self, spool: EventSpool, limit: int = SPOOL_BATCH) -> int:
        """Move up to ``limit`` events from ``spool`` into the inbox, due at once (see
        :mod:`storage.spool`); how many were taken. They leave the spool only once the
        inbox has them, and the inbox stores a redelivered event once."""
        spooled = spool.oldest(limit)
        arrived = []
        for _id, payload in spooled:
            try:
                envelope = json.loads(payload)
            except ValueError:  # the recorder spools only what it parsed: not expected
                log.error("a spooled Slack event is not JSON: dropped")
                continue
            arrived.append((envelope, payload, False))
        if arrived:
            self.receive(arrived)
        spool.remove([spooled_id for spooled_id, _ in spooled])
        return len(spooled)

    def handle_entry(
        self, entry_id: int, envelope: Mapping[str, Any], bot_user_id: str | None
    ) -> EventOutcome | None:
        """Handle an event recorded in the inbox (and claimed, or held since its receipt).

        Its effects mark the entry done; an event that needed nothing is marked done
        alone; one that failed is kept to retry (Slack unavailable) or to look at, and
        then the outcome is None.
        """
        try:
            outcome = self.handle(envelope, bot_user_id, entry_id)
        except Exception as error:
            record_failure(self.runtime, envelope, error, entry_id)
            return None
        if outcome.status == "ignored":  # possibly before any write: the entry is still open
            with self.runtime.uow() as uow:
                uow.inbox_claims.complete(entry_id, self.runtime.now())
                uow.commit()
        return outcome

    def record_failure(self, envelope: Mapping[str, Any], error: Exception) -> None:
        """An event the listener could not handle: kept to retry, or to look at."""
        record_failure(self.runtime, envelope, error)

    def any_due(self) -> bool:
        """Whether any event waits in the inbox, due to be handled now."""
        with self.runtime.reader() as uow:
            return bool(uow.inbox.due(INBOX_SOURCE, self.runtime.now(), 1))

    def process_pending(
        self, bot_user_id: str | None, limit: int = 100, stop: Callable[[], bool] | None = None
    ) -> list[EventOutcome]:
        """Handle the events that are due (left waiting, or waiting for Slack), once each
        (claimed first); none after ``stop()`` says so (the ones left stay due)."""
        now = self.runtime.now()
        with self.runtime.reader() as uow:
            entries = uow.inbox.due(INBOX_SOURCE, now, limit)
        if not entries:
            return []
        # Claimed together, in one transaction (not one per entry: a write turn each);
        # the lease runs from ``now`` as before, and each entry is still completed with
        # its own effects, so one handled by another process meanwhile changes nothing.
        with self.runtime.uow() as uow:
            lease = now + timedelta(seconds=CLAIM_SECONDS)
            claimed = uow.inbox_claims.claim_many([entry.id for entry in entries], now, lease)
            uow.commit()
        mine = [entry for entry in entries if entry.id in claimed]
        outcomes = []
        for index, entry in enumerate(mine):
            if stop is not None and stop():
                self._release([left.id for left in mine[index:]], lease, now)
                break
            outcome = self.handle_entry(entry.id, json.loads(entry.payload), bot_user_id)
            if outcome is not None:
                outcomes.append(outcome)
        return outcomes

    def _release(self, entry_ids: list[int], lease: datetime, due: datetime) -> None:
        """Claimed entries left unhandled (asked to stop): due again at once."""
        with self.runtime.uow() as uow:
            uow.inbox_claims.release(entry_ids, lease, due)
            uow.commit()

    def _finish(self, outcome: EventOutcome) -> EventOutcome:
        if outcome.outbox_keys:
            self.deliver(outcome.outbox_keys)
        return outcome

    # -- message -----------------------------------------------------------------------
    def on_message(
        self, envelope: Mapping[str, Any], bot_user_id: str | None, entry_id: int | None = None
    ) -> EventOutcome:
        """A person's message: translated once, then the ledger's use case records it."""
        event = envelope.get("event") or {}
        today = self.runtime.now().date()
        if (why := message_triage(event, bot_user_id, today)) is not None:
            return _ignored(why)
        message, delivery = posted_message(event), delivery_of(envelope, entry_id)
        source = SlackMessageSource(self.slack, bot_user_id, self.profiles)
        outcome = record_message(self.runtime, source, message, delivery, bot_user_id)
        if outcome.outbox_keys:
            self.deliver(outcome.outbox_keys)
        return outcome

    # -- reactions ---------------------------------------------------------------------
    def on_reaction(
        self, envelope: Mapping[str, Any], bot_user_id: str | None, entry_id: int | None = None
    ) -> EventOutcome:
        return self.reactions.on_reaction(envelope, bot_user_id, entry_id)

    # -- joins ---------------------------------------------------------------------------
    def on_team_join(
        self, envelope: Mapping[str, Any], entry_id: int | None = None
    ) -> EventOutcome:
        event = envelope.get("event") or {}
        user = event.get("user")
        if not isinstance(user, Mapping) or not user.get("id"):
            return _ignored("no user")
        profile = profile_from_user(user)
        now = self.runtime.now()
        joined = _event_time(envelope) or now

        def write(uow: UnitOfWork) -> EventOutcome:
            if not record_handled(uow, envelope, now, entry_id):
                return DUPLICATE
            profiles = {profile.user_id: profile}
            member = slack_member(uow, self.config, profile.user_id, profiles, now)
            if member is not None and profile.may_earn_credit:
                uow.members.seen(member.id, joined)
            return EventOutcome("done", "joined")

        return in_transaction(self.runtime, write)


def _event_time(envelope: Mapping[str, Any]) -> datetime | None:
    value = envelope.get("event_time")
    # 10**11 seconds is year 5138: beyond it (1e308...) there is no datetime to make
    if isinstance(value, int | float) and 0 < value < 10**11:
        return datetime.fromtimestamp(int(value), UTC)
    return None
