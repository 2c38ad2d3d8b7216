"""The Distinguished Contributor programme in Slack: ``/nominate``, its form, the votes.

(Over 300 lines: the command, its form and the panel's buttons are one programme's
Slack side, sharing the panel message they post and update.)

A nomination made in Slack reads the nominee's profile first (``users.info``: a person
who never wrote anything yet becomes a member, a bot or someone who left is refused),
then stores the nomination and its panel message in one transaction
(:func:`bot.services.distinguished.cycle.nominate`) and posts that message at once; what
fails to post stays in the outbox for the worker.

A click on Approve / Decline / Abstain records the vote
(:func:`bot.services.distinguished.cycle.vote`) and, in the same transaction, queues the panel
message's update with the new number of votes cast (key
``dc:nomination:<id>:count:<n>``: a changed vote leaves the count, and the message, as
they are). Only the person who clicked learns their own vote.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.errors import CreditbotError, ExternalServiceError
from bot.messages.slack.distinguished import BLOCK_PREFIX, VOTE_ACTIONS, nomination_message
from bot.messages.slack.nomination_form import BLOCKS, FormValues, nomination_form
from bot.messages.words import plural
from bot.outbox.worker import Delivered
from bot.ports import SlackReader
from bot.runtime import Runtime
from bot.services.distinguished import cycle as distinguished
from bot.services.distinguished.common import (
    current_cycle,
    long_date,
    nominee_name,
    panel_message,
    track_name,
    window_message,
)
from bot.services.ledger.slack_people import slack_member
from bot.services.transactions import in_transaction
from bot.slack.handlers.people import read_profiles
from scoring.distinguished import Track, cycle_of_year, local_day
from scoring.errors import CommandError, ScoringError
from scoring.nominations import (
    NominateCommand,
    NominateRequest,
    check_form,
    nominate_usage,
    parse_nominate_command,
)
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.slack")

PANEL_SUFFIX = ":panel"
PANEL_PREFIX = "dc:nomination:"


@dataclass(frozen=True)
class VoteClick:
    """One click on a panel message's button: which nomination, who, what, where."""

    nomination_id: int
    voter: str
    vote: str
    message: tuple[str, str] | None

    @classmethod
    def from_block_actions(cls, body: Mapping[str, Any]) -> VoteClick | None:
        """Read a ``block_actions`` payload; None if it is not a vote button."""
        actions = body.get("actions") or []
        if not actions:
            return None
        action = actions[0]
        vote = VOTE_ACTIONS.get(str(action.get("action_id") or ""))
        block_id = str(action.get("block_id") or "")
        raw_id = str(action.get("value") or block_id.removeprefix(BLOCK_PREFIX))
        # a row id: ASCII digits, below 2**63 (int("²") fails; SQLite stops at 2**63)
        if vote is None or not (raw_id.isascii() and raw_id.isdigit()) or len(raw_id) > 18:
            return None
        container = body.get("container") or {}
        channel = container.get("channel_id") or (body.get("channel") or {}).get("id")
        ts = container.get("message_ts") or (body.get("message") or {}).get("ts")
        return cls(
            nomination_id=int(raw_id),
            voter=str((body.get("user") or {}).get("id") or ""),
            vote=vote,
            message=(str(channel), str(ts)) if channel and ts else None,
        )


@dataclass(frozen=True)
class Submitted:
    """What a form submission came to: errors by block id, or the confirmation."""

    errors: Mapping[str, str]
    confirmation: str | None = None
    outbox_keys: tuple[str, ...] = ()


class SlackDistinguished:
    """The use cases behind ``/nominate``, its form and the panel's vote buttons."""

    def __init__(
        self, runtime: Runtime, slack: SlackReader, deliver: Callable[[Sequence[str]], None]
    ) -> None:
        self.runtime = runtime
        self.slack = slack
        self.deliver = deliver

    # -- /nominate ----------------------------------------------------------------------
    @property
    def tracks(self) -> tuple[Track, ...]:
        return self.runtime.config.distinguished.rules.tracks

    def _organisations(self) -> list[str]:
        return [o.slug for o in self.runtime.config.organisations]

    def usage(self) -> str:
        return nominate_usage(self.tracks)

    def parse(self, form: Mapping[str, Any]) -> NominateCommand:
        """The command in a slash-command form; :class:`CommandError` if it is wrong."""
        return parse_nominate_command(
            str(form.get("text") or ""), tracks=self.tracks, organisations=self._organisations()
        )

    def closed(self) -> str | None:
        """Why nominations are not accepted now (the window), or None when they are."""
        config = self.runtime.config
        now = self.runtime.now()
        cycle = current_cycle(config, now)
        if cycle.accepts_nominations(local_day(now, config.tz)):
            return None
        return window_message(config, now) + " Nothing was stored."

    def open_form(self, trigger_id: str) -> str | None:
        """Open the form for whoever gave ``trigger_id``; a private note if it failed."""
        config = self.runtime.config
        organisations = [(o.slug, o.name) for o in config.organisations]
        year = current_cycle(config, self.runtime.now()).year
        try:
            self.slack.open_view(trigger_id, nomination_form(self.tracks, organisations, year))
        except ExternalServiceError as error:
            log.warning("could not open the nomination form: %s", error)
            return (
                "I could not open the nomination form (Slack did not let me in time). "
                "Try again, or write `/nominate @user <track> <why>`."
            )
        return None

    def nominate(self, request: NominateRequest, nominator: str) -> str:
        """Store the nomination and post it to the panel; the private reply for the
        nominator (a confirmation, or what was wrong)."""
        try:
            text, keys = self._nominate(request, nominator)
        except ExternalServiceError as error:
            if error.transient:
                return "Slack did not answer me in time, so nothing was stored. Please try again."
            return f"Nothing was stored: {error}."
        except (CreditbotError, ScoringError) as error:
            return _nothing_stored(str(error))
        self.deliver(keys)
        return text

    def submit(self, view: Mapping[str, Any], nominator: str) -> Submitted:
        """A form submission: field errors (nothing stored), or stored and confirmed."""
        values = FormValues.from_view(view)
        checked = check_form(
            nominee_user=values.nominee_user,
            organisation=values.organisation,
            track=values.track,
            justification=values.justification,
            links=values.links,
            tracks=self.tracks,
            organisations=self._organisations(),
        )
        if not isinstance(checked, NominateRequest):
            return Submitted({BLOCKS[field]: message for field, message in checked.items()})
        try:
            text, keys = self._nominate(checked, nominator)
        except ExternalServiceError as error:
            why = "Slack did not answer me in time" if error.transient else str(error)
            return Submitted({self._nominee_block(checked): f"{why}; nothing was stored."})
        except (CreditbotError, ScoringError) as error:
            return Submitted({self._error_block(checked, str(error)): _nothing_stored(str(error))})
        return Submitted({}, text, keys)

    def after_submit(self, submitted: Submitted, nominator: str) -> None:
        """Once the form is closed: post the nomination to the panel, and confirm it to
        the nominator privately (a form has no channel to answer in)."""
        if submitted.outbox_keys:
            self.deliver(submitted.outbox_keys)
        if submitted.confirmation:
            try:
                self.slack.send_dm(nominator, submitted.confirmation)
            except ExternalServiceError as error:
                log.warning("could not confirm a nomination to its nominator: %s", error)

    def _nominee_block(self, request: NominateRequest) -> str:
        track = next((t for t in self.tracks if t.key == request.track), None)
        organisation = track is not None and track.nominee == "organisation"
        return BLOCKS["organisation" if organisation else "nominee"]

    def _error_block(self, request: NominateRequest, message: str) -> str:
        lowered = message.lower()
        if "justification" in lowered:
            return BLOCKS["justification"]
        if "link" in lowered:
            return BLOCKS["links"]
        if "no track" in lowered or "name a track" in lowered:
            return BLOCKS["track"]
        return self._nominee_block(request)

    def _nominate(self, request: NominateRequest, nominator: str) -> tuple[str, tuple[str, ...]]:
        config = self.runtime.config
        now = self.runtime.now()
        closed = self.closed()
        if closed is not None:
            raise CommandError(closed)
        track = next(t for t in self.tracks if t.key == request.track)
        profiles = {}
        if track.nominee == "member":
            try:
                profiles = read_profiles(self.slack, [request.nominee])
            except ExternalServiceError as error:
                if error.transient:
                    raise
                raise CommandError(
                    f"I cannot find <@{request.nominee}> in this workspace; nothing was stored."
                ) from None
            profile = profiles[request.nominee]
            if profile.is_bot:
                raise CommandError(f"<@{request.nominee}> is a bot; bots cannot be nominated.")
            if profile.deleted:
                raise CommandError(f"<@{request.nominee}> has left the workspace.")

        def write(uow: UnitOfWork) -> distinguished.NominationResult:
            if profiles:
                slack_member(uow, config, request.nominee, profiles, now)
            return distinguished.nominate(
                uow,
                config,
                nominator=nominator,
                nominee=request.nominee,
                track=request.track,
                justification=request.justification,
                links=list(request.links),
                now=now,
            )

        result = in_transaction(self.runtime, write)
        nomination = result.nomination
        who = (
            f"<@{request.nominee}>"
            if track.nominee == "member"
            else self._organisation_name(request.nominee)
        )
        decides = cycle_of_year(nomination.cycle, config.distinguished.rules).decides
        links = len(nomination.links)
        evidence = f" and {plural(links, 'evidence link')}" if links else ""
        text = (
            f"Thank you: {who} is nominated for *{track.name}* ({nomination.cycle}). "
            f"The review panel sees your justification{evidence} with their credits of the "
            f"last 12 months, and decides on {long_date(decides)}."
        )
        return text, tuple(result.outbox_keys)

    def _organisation_name(self, slug: str) -> str:
        found = next((o for o in self.runtime.config.organisations if o.slug == slug), None)
        return found.name if found is not None else slug

    # -- votes --------------------------------------------------------------------------
    def vote(self, click: VoteClick) -> str:
        """Record the click's vote; the private reply for the person who clicked."""
        config = self.runtime.config
        now = self.runtime.now()

        def write(uow: UnitOfWork) -> tuple[distinguished.VoteResult, str | None]:
            result = distinguished.vote(
                uow,
                config,
                nomination_id=click.nomination_id,
                voter=click.voter,
                vote=click.vote,
                now=now,
            )
            return result, self._queue_count(uow, click, result, now)

        try:
            result, key = in_transaction(self.runtime, write)
        except (CreditbotError, ScoringError) as error:
            return f"{error} Your click changed nothing."
        if key is not None:
            self.deliver([key])
        until = ""
        if result.changeable_until is not None:
            until = f" You can change it until {long_date(result.changeable_until)}."
        if result.changed:
            return f"Your vote: {result.vote} (it was {result.previous}).{until}"
        if result.previous == result.vote:
            return f"Your vote is still {result.vote}.{until}"
        return f"Your vote: {result.vote}.{until}"

    def _queue_count(
        self,
        uow: UnitOfWork,
        click: VoteClick,
        result: distinguished.VoteResult,
        now: datetime,
    ) -> str | None:
        """Queue the panel message's update to the new count (None when unchanged)."""
        nomination = result.nomination or uow.distinguished.nomination(click.nomination_id)
        if nomination is None:
            return None
        where = panel_message(uow, nomination)
        if where is None and click.message is not None:
            # The click came from the panel's message: that is where it is.
            uow.distinguished.set_review_message(nomination.id, *click.message)
            where = click.message
        if where is None:
            return None
        config = self.runtime.config
        payload = nomination_message(
            nomination,
            track_name(config, nomination.track),
            nominee_name(uow, nomination),
            result.votes_cast,
        )
        key = f"{PANEL_PREFIX}{nomination.id}:count:{result.votes_cast}"
        channel, ts = where
        if uow.outbox.enqueue(key, "slack", "update", channel, payload | {"ts": ts}, now):
            return key
        return None

    # -- delivery -----------------------------------------------------------------------
    def remember_panel_messages(self, sent: Sequence[Delivered]) -> None:
        """Note where each panel message just posted is (to update it later)."""
        posted = [
            d
            for d in sent
            if d.key.startswith(PANEL_PREFIX) and d.key.endswith(PANEL_SUFFIX) and d.ref
        ]
        channel = self.runtime.config.distinguished.review_channel
        if not posted or not channel:
            return
        with self.runtime.uow() as uow:
            for delivered in posted:
                raw_id = delivered.key.removeprefix(PANEL_PREFIX).removesuffix(PANEL_SUFFIX)
                if raw_id.isdigit() and delivered.ref:
                    uow.distinguished.set_review_message(int(raw_id), channel, delivered.ref)
            uow.commit()


def _nothing_stored(message: str) -> str:
    if "nothing was stored" in message.lower():
        return message
    return f"{message.rstrip()} Nothing was stored."
