"""The Distinguished Contributor programme's use cases: nominate, vote, decide, review terms.

Each function works in the caller's unit of work (the caller commits) and writes its
messages to the outbox in the same transaction:

- ``dc:nomination:<id>:panel``: the nomination in the panel's private channel
  (:func:`bot.messages.slack.distinguished.nomination_message`);
- ``dc:nomination:<id>:decided``: that message updated to the outcome and the tally;
- the announcements and badges of the approved
  (:func:`bot.services.distinguished.recognition.enqueue_announcements`);
- ``dc:reminder:<membership id>:<ends>``, ``dc:renewed:...``, ``dc:lifetime:...``,
  ``dc:expired:...``: private messages to the member (for an organisation, to each of its
  contacts, the key ending in ``:<contact>``).

What a nomination must be is checked by :mod:`bot.services.distinguished.nominees`;
votes are counted and the approved admitted by :mod:`bot.services.distinguished.admission`.

Votes are private: nothing here logs, prints or returns who voted how; a voter sees only
their own vote, everyone else counts and tallies. Refusals are
:class:`~bot.errors.InvalidInput` with one line fit for a private Slack reply.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.services.distinguished.admission import admit, count_votes
from bot.services.distinguished.common import (
    credit_evidence,
    decided_payload,
    long_date,
    nomination_payload,
    panel_key,
    panel_message,
    track_or_error,
)
from bot.services.distinguished.nominees import (
    clean_links,
    cycle_open_for_nominations,
    justification_text,
    member_nominee,
    organisation_nominee,
    own_nomination,
)
from bot.services.distinguished.recognition import enqueue_announcements
from scoring.distinguished import (
    VOTES,
    Tally,
    cycle_of_year,
)
from scoring.records import APPROVED, LIFETIME, OPEN, Membership, Nomination
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.distinguished")


# -- results --------------------------------------------------------------------------


@dataclass(frozen=True)
class NominationResult:
    nomination: Nomination
    outbox_keys: tuple[str, ...]


@dataclass(frozen=True)
class VoteResult:
    """The voter's vote as recorded. ``changed``: it replaced a different earlier vote."""

    vote: str
    changed: bool
    previous: str | None
    votes_cast: int
    nomination: Nomination | None = None
    changeable_until: date | None = None
    """The decision day: votes can be changed until it starts (programme timezone)."""


@dataclass(frozen=True)
class Decision:
    """The outcome of one nomination at the decision date."""

    nomination: Nomination
    tally: Tally
    membership: Membership | None = None

    @property
    def outcome(self) -> str:
        return self.tally.outcome


@dataclass(frozen=True)
class DecideOutcome:
    cycle: int
    decisions: tuple[Decision, ...]
    outbox_keys: tuple[str, ...]

    @property
    def summary(self) -> str:
        counts = {"approved": 0, "declined": 0, "no_quorum": 0}
        for decision in self.decisions:
            counts[decision.outcome] += 1
        if not self.decisions:
            return f"distinguished cycle {self.cycle}: no open nomination to decide"
        return (
            f"distinguished cycle {self.cycle}: {len(self.decisions)} nominations decided "
            f"({counts['approved']} approved, {counts['declined']} declined, "
            f"{counts['no_quorum']} without quorum)"
        )


# -- nominate -------------------------------------------------------------------------


def nominate(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    *,
    nominator: str,
    nominee: str,
    track: str,
    justification: str,
    links: list[str],
    now: datetime,
) -> NominationResult:
    """Nominate a member (Slack user id) or an organisation (slug) for a track.

    Stores the nomination with the nominee's 12-month credit history and queues the
    panel's message. Self-nomination is allowed.
    """
    chosen = track_or_error(config, track)
    text = justification_text(chosen, justification)
    evidence_links = clean_links(links)
    cycle, review_channel = cycle_open_for_nominations(config, now)
    member_id: int | None = None
    org: str | None = None
    if chosen.nominee == "organisation":
        key, org, name = organisation_nominee(uow, chosen, nominee)
    else:
        key, member_id, name = member_nominee(uow, chosen, nominee)
    existing = uow.distinguished.membership(key, chosen.key)
    if existing is not None and existing.status == LIFETIME:
        raise InvalidInput(f"{name} is already a lifetime {chosen.name}.")
    evidence = credit_evidence(uow, config, chosen, member_id=member_id, org=org, now=now)
    stored = uow.distinguished.add_nomination(
        cycle=cycle.year,
        track=chosen.key,
        nominee_key=key,
        nominee_member_id=member_id,
        nominee_org=org,
        nominator=nominator,
        justification=text,
        links=evidence_links,
        evidence=evidence,
        review_channel=review_channel,
        now=now,
    )
    if stored is None:
        raise InvalidInput(f"{name} is already nominated for {chosen.name} this cycle.")
    key_panel = panel_key(stored.id)
    uow.outbox.enqueue(
        key_panel,
        "slack",
        "post",
        review_channel,
        nomination_payload(uow, config, stored, 0),
        now,
    )
    log.info("nomination %s stored (cycle %s, track %s)", stored.id, cycle.year, chosen.key)
    return NominationResult(stored, (key_panel,))


# -- vote -----------------------------------------------------------------------------


def vote(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    *,
    nomination_id: int,
    voter: str,
    vote: str,
    now: datetime,
) -> VoteResult:
    """Record a panel member's vote (one per member, changeable until voting closes)."""
    value = vote.strip().lower()
    if value not in VOTES:
        raise InvalidInput(f"'{vote}' is not a vote; vote approve, decline or abstain.")
    if not config.is_panel_member(voter):
        raise InvalidInput("Only members of the review panel can vote on nominations.")
    nomination = uow.distinguished.nomination(nomination_id)
    if nomination is None:
        raise InvalidInput(f"There is no nomination {nomination_id}.")
    if own_nomination(uow, config, nomination, voter):
        raise InvalidInput("You cannot vote on your own nomination.")
    cycle = cycle_of_year(nomination.cycle, config.distinguished.rules)
    if nomination.status != OPEN:
        raise InvalidInput(
            f"Voting on this nomination has closed: it was {nomination.status.replace('_', ' ')}."
        )
    if now >= cycle.voting_closes_at(config.tz):
        raise InvalidInput(f"Voting for {cycle.year} closed on {long_date(cycle.decides)}.")
    previous = uow.distinguished.cast_vote(nomination.id, voter, value, now)
    return VoteResult(
        vote=value,
        changed=previous is not None and previous != value,
        previous=previous,
        votes_cast=uow.distinguished.vote_counts(nomination.id),
        nomination=nomination,
        changeable_until=cycle.decides,
    )


# -- decide ---------------------------------------------------------------------------


def _recognise(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    cycle: int,
    approved: list[Nomination],
    now: datetime,
) -> list[str]:
    if not approved:
        return []
    return list(enqueue_announcements(uow, config, cycle, approved, now))


def decide_cycle(
    uow: UnitOfWork, config: ProgrammeConfig, cycle: int, now: datetime
) -> DecideOutcome:
    """:func:`decide`, with the outbox keys of the messages it queued."""
    rules = config.distinguished.rules
    dates = cycle_of_year(cycle, rules)
    closes = dates.voting_closes_at(config.tz)
    if now < closes:
        raise InvalidInput(
            f"Voting for {cycle} is open until {long_date(dates.decides, year=True)} "
            f"00:00 ({config.timezone}); the outcome can be decided from then."
        )
    decisions: list[Decision] = []
    keys: list[str] = []
    approved: list[Nomination] = []
    for nomination in uow.distinguished.nominations(cycle=cycle, status=OPEN):
        result = count_votes(uow, config, nomination)
        if not uow.distinguished.record_outcome(
            nomination.id, result.outcome, result.as_dict(), now
        ):
            continue  # decided meanwhile by another process
        decided = replace(nomination, status=result.outcome, tally=result.as_dict(), decided_at=now)
        membership = None
        if result.outcome == APPROVED:
            membership = admit(uow, config, decided, dates)
            approved.append(decided)
        where = panel_message(uow, decided)
        if where is not None:
            channel, ts = where
            payload = dict(decided_payload(uow, config, decided, result))
            payload["ts"] = ts
            key = f"dc:nomination:{decided.id}:decided"
            if uow.outbox.enqueue(key, "slack", "update", channel, payload, now):
                keys.append(key)
        decisions.append(Decision(decided, result, membership))
    keys += _recognise(uow, config, cycle, approved, now)
    return DecideOutcome(cycle, tuple(decisions), tuple(keys))


def decide(uow: UnitOfWork, config: ProgrammeConfig, cycle: int, now: datetime) -> list[Decision]:
    """Tally every open nomination of ``cycle`` and record its outcome.

    Approved nominees become members (a term from the decision day; a member already
    active in the track has the term extended), and the announcements are queued in
    the same transaction. A second run finds nothing open and changes nothing.
    """
    return list(decide_cycle(uow, config, cycle, now).decisions)
