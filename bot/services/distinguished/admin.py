"""The Distinguished Contributor programme for administrators: nominations with their
outcome and tally (counts, never who voted how), memberships, the export."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.services.distinguished.common import nominee_name, track_name
from scoring.records import Membership
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class NominationView:
    """A nomination for administrators: its outcome and tally, never the individual votes."""

    id: int
    cycle: int
    track: str
    track_name: str
    nominee: str
    nominee_key: str
    nominator: str
    status: str
    votes_cast: int
    tally: dict[str, Any] | None
    created_at: datetime
    decided_at: datetime | None

    def as_dict(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "cycle": self.cycle,
            "track": self.track,
            "track_name": self.track_name,
            "nominee": self.nominee,
            "nominee_key": self.nominee_key,
            "nominator": self.nominator,
            "status": self.status,
            "votes_cast": self.votes_cast,
            "tally": self.tally,
            "created_at": self.created_at.isoformat(),
            "decided_at": None if self.decided_at is None else self.decided_at.isoformat(),
        }


def list_nominations(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    *,
    cycle: int | None = None,
    status: str | None = None,
) -> list[NominationView]:
    """Nominations with their outcome and tally (counts only), oldest first."""
    views: list[NominationView] = []
    for n in uow.distinguished.nominations(cycle=cycle, status=status):
        views.append(
            NominationView(
                id=n.id,
                cycle=n.cycle,
                track=n.track,
                track_name=track_name(config, n.track),
                nominee=nominee_name(uow, n),
                nominee_key=n.nominee_key,
                nominator=n.nominator,
                status=n.status,
                votes_cast=uow.distinguished.vote_counts(n.id),
                tally=n.tally,
                created_at=n.created_at,
                decided_at=n.decided_at,
            )
        )
    return views


def membership_dict(config: ProgrammeConfig, membership: Membership) -> dict[str, Any]:
    """A membership for the CLI's list and export."""
    return {
        "name": membership.name,
        "nominee_key": membership.nominee_key,
        "track": membership.track,
        "track_name": track_name(config, membership.track),
        "started": membership.started.isoformat(),
        "first_started": (membership.first_started or membership.started).isoformat(),
        "ends": None if membership.ends is None else membership.ends.isoformat(),
        "status": membership.status,
        "renewed_count": membership.renewed_count,
    }


def current_members(uow: UnitOfWork, today: date) -> list[Membership]:
    """The Distinguished Contributors on ``today`` (active terms and lifetime members)."""
    return uow.distinguished.memberships(active_on=today)


def export_programme(uow: UnitOfWork, config: ProgrammeConfig) -> dict[str, list[dict[str, Any]]]:
    """Every membership (any status) and every nomination with its tally, for export."""
    return {
        "members": [membership_dict(config, m) for m in uow.distinguished.all_memberships()],
        "nominations": [v.as_dict() for v in list_nominations(uow, config)],
    }
