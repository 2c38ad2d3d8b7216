"""The Distinguished Contributor programme: nominations, the panel's votes, memberships, badges.

(Over 300 lines: the programme's tables are read and written together (a vote needs its
nomination, a term its membership), so their repository is one.)

Votes are private. The read API gives counts (:meth:`DistinguishedRepository.vote_counts`)
and tallies; who voted how is read only by :meth:`DistinguishedRepository.ballots`, for
the tally itself, and never leaves the service that counts it.

Exactly-once keys: ``dc_nomination(cycle, track, nominee_key)``,
``dc_vote(nomination_id, voter)``, ``dc_membership(nominee_key, track)`` (a term is
renewed in place), ``dc_badge(track)``. Deciding a nomination is a conditional update
(``status = 'open'``), so two deciders never both record an outcome.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import CursorResult, func, or_, select, update
from sqlmodel import Session

from scoring.records import (
    ACTIVE,
    LIFETIME,
    OPEN,
    Membership,
    Nomination,
)
from storage.repositories.rollups import bump_public_version
from storage.sql import insert_ignoring_conflicts, insert_one_ignoring_conflicts
from storage.tables import (
    CreditRow,
    DcBadgeRow,
    DcMembershipRow,
    DcNominationRow,
    DcVoteRow,
    IdentityRow,
    MemberRow,
    OrganisationRow,
    columns,
    table,
)

_nomination = columns(DcNominationRow)
_vote = columns(DcVoteRow)
_membership = columns(DcMembershipRow)
_badge = columns(DcBadgeRow)
_credit = columns(CreditRow)
_identity = columns(IdentityRow)
_member = columns(MemberRow)
_org = columns(OrganisationRow)


def member_key(member_id: int) -> str:
    """The nominee key of a member: ``member:<id>``."""
    return f"member:{member_id}"


def org_key(slug: str) -> str:
    """The nominee key of an organisation: ``org:<slug>``."""
    return f"org:{slug}"


@dataclass(frozen=True)
class CreditLine:
    """One credit of a nominee: when, what type, how many points (for the evidence)."""

    occurred_at: datetime
    type: str
    points: int


def _to_nomination(row: DcNominationRow) -> Nomination:
    assert row.id is not None
    return Nomination(
        id=row.id,
        cycle=row.cycle,
        track=row.track,
        nominee_key=row.nominee_key,
        nominee_member_id=row.nominee_member_id,
        nominee_org=row.nominee_org,
        nominator=row.nominator,
        justification=row.justification,
        links=tuple(json.loads(row.links or "[]")),
        evidence=json.loads(row.evidence or "{}"),
        status=row.status,
        tally=None if row.tally is None else json.loads(row.tally),
        review_channel=row.review_channel,
        review_ts=row.review_ts,
        created_at=row.created_at,
        decided_at=row.decided_at,
    )


class DistinguishedRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- nominations ---------------------------------------------------------------
    def nomination(self, nomination_id: int) -> Nomination | None:
        """The nomination with that id, or None."""
        row = self._session.get(DcNominationRow, nomination_id)
        return None if row is None else _to_nomination(row)

    def nominations(self, cycle: int | None = None, status: str | None = None) -> list[Nomination]:
        """Nominations, oldest first, optionally of one cycle and/or one status."""
        query = select(DcNominationRow)
        if cycle is not None:
            query = query.where(_nomination.cycle == cycle)
        if status is not None:
            query = query.where(_nomination.status == status)
        rows = self._session.execute(query.order_by(_nomination.cycle, _nomination.id))
        return [_to_nomination(r) for r in rows.scalars()]

    def add_nomination(
        self,
        *,
        cycle: int,
        track: str,
        nominee_key: str,
        nominee_member_id: int | None,
        nominee_org: str | None,
        nominator: str,
        justification: str,
        links: Sequence[str],
        evidence: dict[str, Any],
        review_channel: str | None,
        now: datetime,
    ) -> Nomination | None:
        """Store a new open nomination; None (nothing written) if that nominee is already
        nominated in that track this cycle."""
        new_id = insert_one_ignoring_conflicts(
            self._session,
            table(DcNominationRow),
            ("cycle", "track", "nominee_key"),
            {
                "cycle": cycle,
                "track": track,
                "nominee_key": nominee_key,
                "nominee_member_id": nominee_member_id,
                "nominee_org": nominee_org,
                "nominator": nominator,
                "justification": justification,
                "links": json.dumps(list(links)),
                "evidence": json.dumps(evidence, sort_keys=True),
                "created_at": now,
                "status": OPEN,
                "review_channel": review_channel,
            },
        )
        return None if new_id is None else self.nomination(new_id)

    def set_review_message(self, nomination_id: int, channel: str, ts: str) -> None:
        """Remember the panel's message of a nomination (to update it later)."""
        self._session.execute(
            update(DcNominationRow)
            .where(_nomination.id == nomination_id)
            .values(review_channel=channel, review_ts=ts)
        )

    def record_outcome(
        self, nomination_id: int, status: str, tally: dict[str, Any], now: datetime
    ) -> bool:
        """Record the outcome of an open nomination; False if it was already decided."""
        result = self._session.execute(
            update(DcNominationRow)
            .where(_nomination.id == nomination_id, _nomination.status == OPEN)
            .values(status=status, tally=json.dumps(tally, sort_keys=True), decided_at=now)
        )
        bump_public_version(self._session)
        return bool(cast(CursorResult[Any], result).rowcount)

    def cycles(self) -> list[int]:
        """Every cycle with a nomination, oldest first."""
        rows = self._session.execute(
            select(_nomination.cycle).distinct().order_by(_nomination.cycle)
        )
        return [int(c) for c in rows.scalars()]

    # -- votes (private) -------------------------------------------------------------
    def vote_counts(self, nomination_id: int) -> int:
        """How many panel members voted on a nomination (never who, never how)."""
        return int(
            self._session.execute(
                select(func.count())
                .select_from(DcVoteRow)
                .where(_vote.nomination_id == nomination_id)
            ).scalar_one()
        )

    def vote_of(self, nomination_id: int, voter: str) -> str | None:
        """The voter's own current vote (shown to that voter only), or None."""
        value = self._session.execute(
            select(_vote.vote).where(_vote.nomination_id == nomination_id, _vote.voter == voter)
        ).scalar_one_or_none()
        return None if value is None else str(value)

    def cast_vote(self, nomination_id: int, voter: str, vote: str, now: datetime) -> str | None:
        """Record the voter's vote (one row per voter, latest value); the previous vote."""
        previous = self.vote_of(nomination_id, voter)
        if previous is None:
            added = self._session.execute(
                insert_ignoring_conflicts(
                    self._session, table(DcVoteRow), ("nomination_id", "voter")
                )
                .values(
                    nomination_id=nomination_id,
                    voter=voter,
                    vote=vote,
                    created_at=now,
                    updated_at=now,
                )
                .returning(_vote.id)
            ).first()
            if added is not None:
                return None
            previous = self.vote_of(nomination_id, voter)  # a simultaneous click won
        self._session.execute(
            update(DcVoteRow)
            .where(_vote.nomination_id == nomination_id, _vote.voter == voter)
            .values(vote=vote, updated_at=now)
        )
        return previous

    def ballots(self, nomination_id: int) -> dict[str, str]:
        """Voter -> vote, for counting only: never print, log or show this."""
        rows = self._session.execute(
            select(_vote.voter, _vote.vote).where(_vote.nomination_id == nomination_id)
        ).all()
        return {str(voter): str(vote) for voter, vote in rows}

    # -- memberships ---------------------------------------------------------------
    def membership(self, nominee_key: str, track: str) -> Membership | None:
        """The membership of a nominee in a track (any status), or None."""
        row = self._session.execute(
            select(DcMembershipRow).where(
                _membership.nominee_key == nominee_key, _membership.track == track
            )
        ).scalar_one_or_none()
        return None if row is None else self._memberships([row])[0]

    def memberships(self, active_on: date) -> list[Membership]:
        """Members on ``active_on``: lifetime ones, and active terms covering that day."""
        rows = self._session.execute(
            select(DcMembershipRow)
            .where(
                _membership.started <= active_on,
                or_(
                    _membership.status == LIFETIME,
                    (_membership.status == ACTIVE) & (_membership.ends > active_on),
                ),
            )
            .order_by(_membership.track, _membership.id)
        ).scalars()
        return self._memberships(list(rows))

    def all_memberships(self, statuses: Iterable[str] | None = None) -> list[Membership]:
        """Every membership (optionally of some statuses), by track then start."""
        query = select(DcMembershipRow)
        if statuses is not None:
            query = query.where(_membership.status.in_(list(statuses)))
        rows = self._session.execute(
            query.order_by(_membership.track, _membership.started, _membership.id)
        ).scalars()
        return self._memberships(list(rows))

    def save_membership(
        self,
        *,
        nominee_key: str,
        member_id: int | None,
        org: str | None,
        track: str,
        nomination_id: int | None,
        started: date,
        ends: date | None,
        status: str,
        first_started: date,
        renewed_count: int,
    ) -> None:
        """Create the nominee's membership in the track, or replace its term in place."""
        row = self._session.execute(
            select(DcMembershipRow).where(
                _membership.nominee_key == nominee_key, _membership.track == track
            )
        ).scalar_one_or_none()
        if row is None:
            row = DcMembershipRow(
                nominee_key=nominee_key, track=track, started=started, first_started=first_started
            )
        row.member_id = member_id
        row.org = org
        row.nomination_id = nomination_id
        row.started = started
        row.ends = ends
        row.status = status
        row.first_started = first_started
        row.renewed_count = renewed_count
        self._session.add(row)
        self._session.flush()
        bump_public_version(self._session)

    def update_term(
        self, membership_id: int, *, status: str, ends: date | None, renewed_count: int
    ) -> None:
        """Record the outcome of a term's review (renewed, expired or lifetime)."""
        self._session.execute(
            update(DcMembershipRow)
            .where(_membership.id == membership_id)
            .values(status=status, ends=ends, renewed_count=renewed_count)
        )
        bump_public_version(self._session)

    def mark_reminded(self, membership_id: int, ends: date) -> bool:
        """Note that the reminder for the term ending ``ends`` was queued; False if it was."""
        result = self._session.execute(
            update(DcMembershipRow)
            .where(
                _membership.id == membership_id,
                or_(_membership.reminded_for.is_(None), _membership.reminded_for != ends),
            )
            .values(reminded_for=ends)
        )
        return bool(cast(CursorResult[Any], result).rowcount)

    def _memberships(self, rows: list[DcMembershipRow]) -> list[Membership]:
        member_ids = sorted({r.member_id for r in rows if r.member_id is not None})
        slugs = sorted({r.org for r in rows if r.org is not None})
        names: dict[int, str] = {}
        slack: dict[int, str] = {}
        forum: dict[int, str] = {}
        if member_ids:
            for member_id, name in self._session.execute(
                select(_member.id, _member.name).where(_member.id.in_(member_ids))
            ).all():
                names[int(member_id)] = str(name)
            for member_id, kind, value in self._session.execute(
                select(_identity.member_id, _identity.kind, _identity.value)
                .where(
                    _identity.member_id.in_(member_ids),
                    _identity.kind.in_(("slack", "discourse")),
                )
                .order_by(_identity.id)
            ).all():
                target = slack if kind == "slack" else forum
                target.setdefault(int(member_id), str(value))
        org_names: dict[str, str] = {}
        if slugs:
            org_names = {
                str(s): str(n)
                for s, n in self._session.execute(
                    select(_org.slug, _org.name).where(_org.slug.in_(slugs))
                ).all()
            }
        found: list[Membership] = []
        for r in rows:
            assert r.id is not None
            if r.member_id is not None:
                name = names.get(r.member_id, r.nominee_key)
            else:
                name = org_names.get(r.org or "", r.org or r.nominee_key)
            found.append(
                Membership(
                    nominee_key=r.nominee_key,
                    track=r.track,
                    started=r.started,
                    ends=r.ends,
                    status=r.status,
                    name=name,
                    member_id=r.member_id,
                    org=r.org,
                    slack_user=None if r.member_id is None else slack.get(r.member_id),
                    discourse_username=None if r.member_id is None else forum.get(r.member_id),
                    id=r.id,
                    first_started=r.first_started,
                    renewed_count=r.renewed_count,
                    reminded_for=r.reminded_for,
                    nomination_id=r.nomination_id,
                )
            )
        return found

    # -- evidence --------------------------------------------------------------------
    def credits_of(
        self,
        *,
        member_id: int | None = None,
        org: str | None = None,
        start: datetime,
        end: datetime,
    ) -> list[CreditLine]:
        """A member's (or an organisation's) credits in ``[start, end)``, not withdrawn."""
        query = select(_credit.occurred_at, _credit.type, _credit.points).where(
            _credit.occurred_at >= start,
            _credit.occurred_at < end,
            _credit.withdrawn_at.is_(None),
        )
        if member_id is not None:
            query = query.where(_credit.member_id == member_id)
        elif org is not None:
            query = query.where(_credit.organisation == org)
        else:
            raise ValueError("credits_of needs a member_id or an org")
        rows = self._session.execute(query.order_by(_credit.occurred_at, _credit.id)).all()
        return [CreditLine(at, str(kind), int(points)) for at, kind, points in rows]

    # -- badges ----------------------------------------------------------------------
    def badge_id(self, track: str) -> int | None:
        """The Discourse badge id created for ``track``, or None."""
        value = self._session.execute(
            select(_badge.discourse_badge_id).where(_badge.track == track)
        ).scalar_one_or_none()
        return None if value is None else int(value)

    def set_badge_id(self, track: str, badge_id: int) -> None:
        """Remember the Discourse badge of ``track`` (kept if one is already remembered)."""
        self._session.execute(
            insert_ignoring_conflicts(self._session, table(DcBadgeRow), ("track",)).values(
                track=track, discourse_badge_id=badge_id
            )
        )
