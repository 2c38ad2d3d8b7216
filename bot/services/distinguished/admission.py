"""The panel's decision on one nomination: its votes counted, and an approved nominee
admitted as a member (a term from the decision day; a member already active in the
track has the term extended, a lifetime member stays so).
"""

from __future__ import annotations

from bot.config import ProgrammeConfig
from scoring.distinguished import VOTES, Cycle, Tally, Vote, add_years, tally
from scoring.records import ACTIVE, LIFETIME, Membership, Nomination
from storage.uow import UnitOfWork


def count_votes(uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination) -> Tally:
    seats = set(config.distinguished.panel_users)
    ballots = uow.distinguished.ballots(nomination.id)
    votes: list[Vote] = []
    for voter, value in ballots.items():
        if voter in seats and value in VOTES:
            votes.append(value)
    programme = config.distinguished
    return tally(votes, len(seats), programme.quorum, programme.majority)


def admit(
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
