"""Nudges sent to quiet members, and the activity that decides who is quiet."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import func, select
from sqlmodel import Session

from scoring.months import local_date
from storage.tables import ActivityRow, CreditRow, IdentityRow, MemberRow, NudgeRow, columns

_activity = columns(ActivityRow)
_credit = columns(CreditRow)
_identity = columns(IdentityRow)
_member = columns(MemberRow)
_nudge = columns(NudgeRow)

NUDGE = "nudge"
WELCOME_BACK = "welcome_back"


@dataclass(frozen=True)
class Reachable:
    """A member the bot could write to: not a bot, with a Slack account (written to there)
    or else a forum account (written to by a private message on the forum)."""

    member_id: int
    name: str
    slack_id: str | None
    opted_out: bool
    discourse_username: str | None = None


class NudgeRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, member_id: int, kind: str, at: datetime) -> None:
        """Remember that a nudge of ``kind`` went to the member at ``at``."""
        self._session.add(NudgeRow(member_id=member_id, kind=kind, sent_at=at))
        self._session.flush()

    def last_sent(self, kind: str) -> dict[int, datetime]:
        """When each member last got a nudge of ``kind``."""
        rows = self._session.execute(
            select(_nudge.member_id, func.max(_nudge.sent_at))
            .where(_nudge.kind == kind)
            .group_by(_nudge.member_id)
        ).all()
        return {int(m): at for m, at in rows}

    def reachable_members(self) -> list[Reachable]:
        """Members who are not bots and have a Slack or a forum account, by id."""
        rows = self._session.execute(
            select(
                _member.id, _member.name, _member.nudges_opted_out, _identity.kind, _identity.value
            )
            .join(IdentityRow, _identity.member_id == _member.id)
            .where(_identity.kind.in_(("slack", "discourse")), _member.is_bot.is_(False))
            .order_by(_member.id, _identity.id)
        ).all()
        accounts: dict[int, dict[str, str]] = defaultdict(dict)
        about: dict[int, tuple[str, bool]] = {}
        for member_id, name, opted_out, kind, value in rows:
            accounts[member_id].setdefault(str(kind), value)
            about[member_id] = (name, bool(opted_out))
        return [
            Reachable(
                member_id,
                about[member_id][0],
                found.get("slack"),
                about[member_id][1],
                found.get("discourse"),
            )
            for member_id, found in accounts.items()
        ]

    def active_days(self, since: datetime, until: datetime, tz: ZoneInfo) -> dict[int, set[date]]:
        """Each member's active days in the programme's calendar, from ``since`` to ``until``,
        plus the last active day before ``since`` (so a gap reaching back is seen).

        Activity means an activity roll-up row or a credit (withdrawn ones too: the
        person did something).
        """
        days: dict[int, set[date]] = defaultdict(set)
        first_day, last_day = local_date(since, tz), local_date(until, tz)
        for member_id, day in self._session.execute(
            select(_activity.member_id, _activity.day).where(
                _activity.day >= first_day, _activity.day <= last_day
            )
        ).all():
            days[int(member_id)].add(day)
        for member_id, at in self._session.execute(
            select(_credit.member_id, _credit.occurred_at).where(
                _credit.occurred_at >= since, _credit.occurred_at <= until
            )
        ).all():
            days[int(member_id)].add(local_date(at, tz))
        for member_id, day in self._session.execute(
            select(_activity.member_id, func.max(_activity.day))
            .where(_activity.day < first_day)
            .group_by(_activity.member_id)
        ).all():
            days[int(member_id)].add(day)
        for member_id, at in self._session.execute(
            select(_credit.member_id, func.max(_credit.occurred_at))
            .where(_credit.occurred_at < since)
            .group_by(_credit.member_id)
        ).all():
            days[int(member_id)].add(local_date(at, tz))
        return dict(days)
