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

Votes are private: nothing here logs, prints or returns who voted how; a voter sees only
their own vote, everyone else counts and tallies. Refusals are
:class:`~bot.errors.InvalidInput` with one line fit for a private Slack reply.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.services.distinguished.common import (
    credit_evidence,
    decided_payload,
    long_date,
    nomination_payload,
    panel_key,
    panel_message,
    track_or_error,
    window_message,
)
from bot.services.distinguished.recognition import enqueue_announcements
from scoring.distinguished import (
    VOTES,
    Cycle,
    Tally,
    Track,
    Vote,
    add_years,
    cycle_for,
    cycle_of_year,
    local_day,
    tally,
)
from scoring.models import Identity, IdentityKind
from scoring.records import ACTIVE, APPROVED, LIFETIME, OPEN, Membership, Nomination
from storage.repositories.distinguished import member_key, org_key
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.distinguished")

MAX_LINKS = 20
MAX_JUSTIFICATION = 3000
_SLACK_USER = re.compile(r"^<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$")


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


def _clean_links(links: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for link in links:
        text = link.strip().strip("<>")
        if text and text not in seen:
            seen.append(text)
    if len(seen) > MAX_LINKS:
        raise InvalidInput(f"Please give at most {MAX_LINKS} evidence links.")
    return seen


def _resolve_member_nominee(uow: UnitOfWork, track: Track, nominee: str) -> tuple[str, int, str]:
    match = _SLACK_USER.match(nominee.strip())
    if match is None:
        raise InvalidInput(
            f"Name the person you nominate for {track.name} as @someone (a Slack user)."
        )
    user = match.group(1)
    member = uow.members.find(Identity(IdentityKind.SLACK, user))
    if member is None:
        raise InvalidInput(
            f"I don't know <@{user}> yet: they can be nominated once they have been active here."
        )
    if member.is_bot:
        raise InvalidInput("Bots cannot be nominated.")
    return member_key(member.id), member.id, member.name


def _resolve_org_nominee(uow: UnitOfWork, track: Track, nominee: str) -> tuple[str, str, str]:
    slug = nominee.strip().lower()
    if not slug or _SLACK_USER.match(nominee.strip()):
        raise InvalidInput(
            f"{track.name} is for organisations: name one by its slug (for example acme)."
        )
    org = uow.organisations.get(slug)
    if org is None:
        raise InvalidInput(f"There is no organisation '{slug}'; name one by its slug.")
    return org_key(org.slug), org.slug, org.name


def _justification(chosen: Track, justification: str) -> str:
    text = justification.strip()
    if not text:
        raise InvalidInput(
            f"Please say why they deserve {chosen.name}: the justification cannot be empty."
        )
    if len(text) > MAX_JUSTIFICATION:
        raise InvalidInput(
            f"Please keep the justification under {MAX_JUSTIFICATION} characters "
            "(link to longer evidence instead)."
        )
    return text


def _cycle_open_for_nominations(config: ProgrammeConfig, now: datetime) -> tuple[Cycle, str]:
    """The cycle of ``now`` and the review panel's channel, when the cycle takes
    nominations and they have a panel to go to."""
    day = local_day(now, config.tz)
    cycle = cycle_for(day, config.distinguished.rules)
    if not cycle.accepts_nominations(day):
        raise InvalidInput(window_message(config, now))
    review_channel = config.distinguished.review_channel
    if not review_channel:
        raise InvalidInput(
            "Nominations are not set up yet: distinguished.review_channel is missing "
            "from creditbot.yml."
        )
    return cycle, review_channel


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
    text = _justification(chosen, justification)
    clean_links = _clean_links(links)
    cycle, review_channel = _cycle_open_for_nominations(config, now)
    member_id: int | None = None
    org: str | None = None
    if chosen.nominee == "organisation":
        key, org, name = _resolve_org_nominee(uow, chosen, nominee)
    else:
        key, member_id, name = _resolve_member_nominee(uow, chosen, nominee)
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
        links=clean_links,
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


def _own_nomination(
    uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination, voter: str
) -> bool:
    if nomination.nominee_member_id is not None:
        member = uow.members.get(nomination.nominee_member_id)
        return member is not None and any(
            i.kind == IdentityKind.SLACK and i.value == voter for i in member.identities
        )
    if nomination.nominee_org is not None:
        contacts = set(
            next(
                (o.contacts for o in config.organisations if o.slug == nomination.nominee_org),
                [],
            )
        )
        org = uow.organisations.get(nomination.nominee_org)
        if org is not None:
            contacts.update(org.contacts)
        return voter in contacts
    return False


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
    if _own_nomination(uow, config, nomination, voter):
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


def _count(uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination) -> Tally:
    seats = set(config.distinguished.panel_users)
    ballots = uow.distinguished.ballots(nomination.id)
    votes: list[Vote] = []
    for voter, value in ballots.items():
        if voter in seats and value in VOTES:
            votes.append(value)
    programme = config.distinguished
    return tally(votes, len(seats), programme.quorum, programme.majority)


def _admit(
    uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination, cycle: Cycle
) -> Membership | None:
    programme = config.distinguished
    started = cycle.decides
    ends = add_years(started, programme.term_years)
    existing = uow.distinguished.membership(nomination.nominee_key, nomination.track)
    if existing is not None and existing.status == LIFETIME:
        return existing
    consecutive = (
        existing is not None
        and existing.ends is not None
        and existing.ends >= started
        and existing.started <= started
    )
    first_started, renewed_count = started, 0
    if existing is not None and consecutive:
        assert existing.ends is not None
        ends = max(ends, existing.ends)
        first_started = existing.first_started or existing.started
        renewed_count = existing.renewed_count + 1
    uow.distinguished.save_membership(
        nominee_key=nomination.nominee_key,
        member_id=nomination.nominee_member_id,
        org=nomination.nominee_org,
        track=nomination.track,
        nomination_id=nomination.id,
        started=started,
        ends=ends,
        status=ACTIVE,
        first_started=first_started,
        renewed_count=renewed_count,
    )
    return uow.distinguished.membership(nomination.nominee_key, nomination.track)


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
        result = _count(uow, config, nomination)
        if not uow.distinguished.record_outcome(
            nomination.id, result.outcome, result.as_dict(), now
        ):
            continue  # decided meanwhile by another process
        decided = replace(nomination, status=result.outcome, tally=result.as_dict(), decided_at=now)
        membership = None
        if result.outcome == APPROVED:
            membership = _admit(uow, config, decided, dates)
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
