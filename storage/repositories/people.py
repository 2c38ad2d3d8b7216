"""What people control about their own record: credit notices, the audit of changes to
members (hide, show, revoke, merge, erasure), and the merge itself (moved rows are
recorded so that the merge can be undone).

(Over 300 lines: the audit and the merge it records change the same rows and must be
read together.)

The audit never holds erased data: an erasure's record says who and when, not what.

Over 300 lines on purpose: one repository for what a person controls about their record
(notices, caps, audit, merge, export), each part short; erasure is in ``erasure.py``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlmodel import Session

from storage.repositories.rollups import RollupRepository
from storage.tables import (
    ActivityRow,
    AffiliationRow,
    CreditRow,
    DcNominationRow,
    IdentityRow,
    InboxRow,
    MemberAuditRow,
    MemberRow,
    NudgeRow,
    OutboxRow,
    SuggestionRow,
    columns,
)

_member = columns(MemberRow)
_audit = columns(MemberAuditRow)
_activity = columns(ActivityRow)
_outbox = columns(OutboxRow)
_inbox = columns(InboxRow)

#: Tables whose rows simply change owner in a merge: (name, model, member column).
_MOVED: tuple[tuple[str, Any, str], ...] = (
    ("credit", CreditRow, "member_id"),
    ("identity", IdentityRow, "member_id"),
    ("affiliation", AffiliationRow, "member_id"),
    ("suggestion", SuggestionRow, "author_member_id"),
    ("nudge", NudgeRow, "member_id"),
)


@dataclass(frozen=True)
class AuditEntry:
    id: int
    action: str
    member_id: int | None
    other_member_id: int | None
    details: dict[str, Any]
    by: str | None
    at: datetime
    undone_at: datetime | None


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    # -- credit notices --------------------------------------------------------------
    def notices_off(self, member_id: int) -> bool:
        """Whether the member asked for no DM on each credit."""
        row = self._session.get(MemberRow, member_id)
        return row is None or row.credit_notices_off

    def set_notices_off(self, member_id: int, off: bool) -> None:
        self._session.execute(
            update(MemberRow).where(_member.id == member_id).values(credit_notices_off=off)
        )

    def erased_at(self, member_id: int) -> datetime | None:
        row = self._session.get(MemberRow, member_id)
        return None if row is None else row.erased_at

    def waiting_notice(self, prefix: str) -> tuple[str, dict[str, Any]] | None:
        """A credit notice to this member still waiting to be sent: (key, payload)."""
        row = self._session.execute(
            select(OutboxRow)
            .where(_outbox.key.startswith(prefix, autoescape=True), _outbox.status == "pending")
            .order_by(_outbox.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else (row.key, dict(row.payload))

    def update_waiting_notice(self, key: str, payload: dict[str, Any]) -> bool:
        """Replace a waiting notice's payload; False if it is no longer waiting (being sent)."""
        result = self._session.execute(
            update(OutboxRow)
            .where(_outbox.key == key, _outbox.status == "pending")
            .values(payload=payload)
        )
        return bool(getattr(result, "rowcount", 0))

    def drop_waiting_notice(self, key: str) -> bool:
        """Delete a notice still waiting (its only credit was withdrawn); False if it is
        no longer waiting (being sent or sent)."""
        result = self._session.execute(
            delete(OutboxRow).where(_outbox.key == key, _outbox.status == "pending")
        )
        return bool(getattr(result, "rowcount", 0))

    def has_notice(self, prefix: str) -> bool:
        """Whether this member was ever sent (or is to be sent) a credit notice."""
        found = self._session.execute(
            select(_outbox.id).where(_outbox.key.startswith(prefix, autoescape=True)).limit(1)
        ).first()
        return found is not None

    def delay_message(self, key: str, until: datetime) -> None:
        """Hold an outbox message until ``until`` (a notice waits for others to join it)."""
        self._session.execute(
            update(OutboxRow).where(_outbox.key == key).values(next_attempt_at=until)
        )

    # -- caps on credits no lead decided ------------------------------------------------
    def set_counterpart(self, credit_id: int, counterpart: str | None) -> None:
        self._session.execute(
            update(CreditRow)
            .where(columns(CreditRow).id == credit_id)
            .values(counterpart=counterpart)
        )

    def count_granted(
        self,
        member_id: int,
        granted_by: str,
        start: datetime,
        end: datetime,
        counterpart: str | None = None,
    ) -> int:
        """Live credits of the member granted by ``granted_by`` in ``[start, end)`` (and
        with that counterpart, when given)."""
        credit = columns(CreditRow)
        query = select(func.count()).where(
            credit.member_id == member_id,
            credit.granted_by == granted_by,
            credit.occurred_at >= start,
            credit.occurred_at < end,
            credit.withdrawn_at.is_(None),
        )
        if counterpart is not None:
            query = query.where(credit.counterpart == counterpart)
        return int(self._session.execute(query).scalar_one())

    def points_between(self, member_id: int, start: datetime, end: datetime) -> int:
        """The member's live points in ``[start, end)``."""
        credit = columns(CreditRow)
        total = self._session.execute(
            select(func.coalesce(func.sum(credit.points), 0)).where(
                credit.member_id == member_id,
                credit.occurred_at >= start,
                credit.occurred_at < end,
                credit.withdrawn_at.is_(None),
            )
        ).scalar_one()
        return int(total)

    # -- the audit -----------------------------------------------------------------------
    def audit(
        self,
        action: str,
        member_id: int | None,
        by: str | None,
        at: datetime,
        *,
        other_member_id: int | None = None,
        details: dict[str, Any] | None = None,
    ) -> int:
        """Record one change to members; its id."""
        row = MemberAuditRow(
            action=action,
            member_id=member_id,
            other_member_id=other_member_id,
            details=details or {},
            by=by,
            at=at,
        )
        self._session.add(row)
        self._session.flush()
        assert row.id is not None
        return row.id

    def audits(self, member_id: int, action: str | None = None) -> list[AuditEntry]:
        """The member's audit records (as the one changed), oldest first."""
        query = select(MemberAuditRow).where(_audit.member_id == member_id)
        if action is not None:
            query = query.where(_audit.action == action)
        rows = self._session.execute(query.order_by(_audit.id)).scalars()
        return [_to_entry(r) for r in rows]

    def merged_into(self, member_id: int) -> AuditEntry | None:
        """The merge, not undone, that moved this member's record into another, if any."""
        row = self._session.execute(
            select(MemberAuditRow)
            .where(
                _audit.other_member_id == member_id,
                _audit.action == "merge",
                _audit.undone_at.is_(None),
            )
            .order_by(_audit.id.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else _to_entry(row)

    def mark_undone(self, audit_id: int, at: datetime) -> bool:
        """Mark an audit record undone; False if it already was (so undo happens once)."""
        result = self._session.execute(
            update(MemberAuditRow)
            .where(_audit.id == audit_id, _audit.undone_at.is_(None))
            .values(undone_at=at)
        )
        return bool(getattr(result, "rowcount", 0))

    # -- merging -------------------------------------------------------------------------
    def merge(self, keep: int, gone: int) -> dict[str, Any]:
        """Move everything of member ``gone`` to ``keep``; what moved, to undo it."""
        moved: dict[str, Any] = {}
        moments = self._credit_moments(gone)
        for name, model, column in _MOVED:
            owner = columns(model)[column]
            ids = [
                int(i)
                for i in self._session.execute(
                    select(columns(model).id).where(owner == gone)
                ).scalars()
            ]
            if ids:
                self._session.execute(
                    update(model).where(columns(model).id.in_(ids)).values({column: keep})
                )
            moved[name] = ids
        moved["activity"], moved["activity_added"] = self._merge_activity(keep, gone)
        kept, lost = self._session.get(MemberRow, keep), self._session.get(MemberRow, gone)
        assert kept is not None and lost is not None
        moved["first_seen"] = {
            "keep": _iso(kept.first_seen),
            "gone": _iso(lost.first_seen),
        }
        if lost.first_seen is not None and (
            kept.first_seen is None or lost.first_seen < kept.first_seen
        ):
            kept.first_seen = lost.first_seen
        lost.first_seen = None  # one person is one new member, not two
        moved["choices"] = _keep_stricter_choices(kept, lost)
        self._session.flush()
        # the monthly figures of both people change with the credits that moved
        RollupRepository(self._session).refresh([(m, at) for at in moments for m in (keep, gone)])
        return moved

    def _credit_moments(self, member_id: int) -> list[datetime]:
        return list(
            self._session.execute(
                select(columns(CreditRow).occurred_at).where(
                    columns(CreditRow).member_id == member_id
                )
            ).scalars()
        )

    def _merge_activity(self, keep: int, gone: int) -> tuple[list[int], list[dict[str, Any]]]:
        kept = {
            (r.day, r.kind): r
            for r in self._session.execute(
                select(ActivityRow).where(_activity.member_id == keep)
            ).scalars()
        }
        moved: list[int] = []
        added: list[dict[str, Any]] = []
        for row in list(
            self._session.execute(select(ActivityRow).where(_activity.member_id == gone)).scalars()
        ):
            assert row.id is not None
            same = kept.get((row.day, row.kind))
            if same is None:
                row.member_id = keep
                moved.append(row.id)
                continue
            added.append(
                {
                    "into": same.id,
                    "day": row.day.isoformat(),
                    "kind": row.kind,
                    "count": row.count,
                    "last_at": row.last_at.isoformat(),
                    "kept_last_at": same.last_at.isoformat(),
                }
            )
            same.count += row.count
            same.last_at = max(same.last_at, row.last_at)
            self._session.delete(row)
        self._session.flush()
        return moved, added

    def unmerge(self, keep: int, gone: int, moved: dict[str, Any]) -> None:
        """Give back to ``gone`` what :meth:`merge` moved from it."""
        credit_ids = moved.get("credit") or []
        for name, model, column in _MOVED:
            ids = moved.get(name) or []
            if ids:
                self._session.execute(
                    update(model).where(columns(model).id.in_(ids)).values({column: gone})
                )
        if moved.get("activity"):
            self._session.execute(
                update(ActivityRow)
                .where(_activity.id.in_(moved["activity"]))
                .values(member_id=gone)
            )
        for part in moved.get("activity_added") or []:
            same = self._session.get(ActivityRow, part["into"])
            if same is not None:
                same.count -= int(part["count"])
                same.last_at = datetime.fromisoformat(part["kept_last_at"])
            self._session.add(
                ActivityRow(
                    member_id=gone,
                    day=datetime.fromisoformat(part["day"]).date(),
                    kind=part["kind"],
                    count=int(part["count"]),
                    last_at=datetime.fromisoformat(part["last_at"]),
                )
            )
        first_seen = moved.get("first_seen") or {}
        kept = self._session.get(MemberRow, keep)
        if kept is not None:  # the kept record's own choices, as they were before the merge
            for flag, value in (moved.get("choices") or {}).items():
                setattr(kept, flag, bool(value))
        lost = self._session.get(MemberRow, gone)
        if lost is not None:
            lost.first_seen = _from_iso(first_seen.get("gone"))
        self._session.flush()
        moments = [
            at
            for at in self._session.execute(
                select(columns(CreditRow).occurred_at).where(columns(CreditRow).id.in_(credit_ids))
            ).scalars()
        ]
        RollupRepository(self._session).refresh([(m, at) for at in moments for m in (keep, gone)])

    def restore_first_seen(self, keep: int, value: str | None) -> None:
        self._session.execute(
            update(MemberRow).where(_member.id == keep).values(first_seen=_from_iso(value))
        )

    # -- export ------------------------------------------------------------------------
    def held_about(self, member_id: int) -> dict[str, list[dict[str, Any]]]:
        """The rows about one member that are theirs to see: suggestions about their
        messages (not who suggested them), nudges, activity, nominations of them (not who
        nominated them, never votes), and the audit of changes to their record."""
        suggestions = self._session.execute(
            select(SuggestionRow)
            .where(columns(SuggestionRow).author_member_id == member_id)
            .order_by(columns(SuggestionRow).id)
        ).scalars()
        nominations = self._session.execute(
            select(DcNominationRow)
            .where(columns(DcNominationRow).nominee_member_id == member_id)
            .order_by(columns(DcNominationRow).id)
        ).scalars()
        return {
            "suggestions_about_your_messages": [
                {
                    "id": r.id,
                    "channel": r.channel,
                    "message_ts": r.message_ts,
                    "permalink": r.permalink,
                    "snippet": r.snippet,
                    "suggested_type": r.suggested_type,
                    "status": r.status,
                    "decided_type": r.decided_type,
                    "credit_id": r.credit_id,
                    "occurred_at": _iso(r.occurred_at),
                }
                for r in suggestions
            ],
            "nudges": [
                {"kind": r.kind, "sent_at": _iso(r.sent_at)}
                for r in self._rows(NudgeRow, columns(NudgeRow).member_id == member_id)
            ],
            "activity": [
                {"day": r.day.isoformat(), "kind": r.kind, "count": r.count}
                for r in self._rows(ActivityRow, _activity.member_id == member_id)
            ],
            "nominations": [
                {
                    "cycle": r.cycle,
                    "track": r.track,
                    "justification": r.justification,
                    "status": r.status,
                    "created_at": _iso(r.created_at),
                }
                for r in nominations
            ],
            "changes_to_your_record": [
                {"action": a.action, "at": _iso(a.at)} for a in self.audits(member_id)
            ],
        }

    def _rows(self, model: Any, condition: Any) -> list[Any]:
        return list(
            self._session.execute(
                select(model).where(condition).order_by(columns(model).id)
            ).scalars()
        )


#: A person's choices about their record: after a merge the stricter one holds (a record
#: hidden, quiet or without credit messages keeps the joined record so).
_CHOICES = {"show_publicly": False, "nudges_opted_out": True, "credit_notices_off": True}


def _keep_stricter_choices(kept: MemberRow, lost: MemberRow) -> dict[str, bool]:
    """Give ``kept`` the stricter of both records' choices; its own, to undo it."""
    before = {flag: bool(getattr(kept, flag)) for flag in _CHOICES}
    for flag, strict in _CHOICES.items():
        if getattr(lost, flag) == strict:
            setattr(kept, flag, strict)
    return before  # the merge's refresh of the monthly figures bumps the pages


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def _from_iso(value: str | None) -> datetime | None:
    return None if value is None else datetime.fromisoformat(value)


def _to_entry(row: MemberAuditRow) -> AuditEntry:
    assert row.id is not None
    return AuditEntry(
        id=row.id,
        action=row.action,
        member_id=row.member_id,
        other_member_id=row.other_member_id,
        details=dict(row.details or {}),
        by=row.by,
        at=row.at,
        undone_at=row.undone_at,
    )
