"""What a month's shout-out says, and what changed in a month after it was published.

The content is built by ``bot.services.ledger.shoutout`` and rendered by
``bot.messages`` (plain text, Markdown, Block Kit); it is kept in the outbox and in the
published-report record as JSON, so every type here reads and writes its own JSON.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from scoring.models import Movement


@dataclass(frozen=True)
class PointsChange:
    """One member's or organisation's points for a published month, before and after."""

    key: str  # member id or organisation slug
    name: str
    before: int
    after: int
    slack_id: str | None = None
    discourse_username: str | None = None

    @property
    def delta(self) -> int:
        return self.after - self.before


@dataclass(frozen=True)
class Correction:
    """What changed in a published month since it (or its last correction) was published."""

    month: str
    members: tuple[PointsChange, ...] = ()
    organisations: tuple[PointsChange, ...] = ()

    def to_json(self) -> dict[str, Any]:
        def change(c: PointsChange) -> dict[str, Any]:
            return {
                "key": c.key,
                "name": c.name,
                "before": c.before,
                "after": c.after,
                "slack_id": c.slack_id,
                "discourse_username": c.discourse_username,
            }

        return {
            "month": self.month,
            "members": [change(c) for c in self.members],
            "organisations": [change(c) for c in self.organisations],
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Correction:
        return cls(
            month=data["month"],
            members=tuple(PointsChange(**c) for c in data.get("members", [])),
            organisations=tuple(PointsChange(**c) for c in data.get("organisations", [])),
        )


@dataclass(frozen=True)
class ShoutoutMember:
    rank: int
    name: str
    points: int
    credits: int
    organisation: str | None  # the organisation's name
    slack_id: str | None = None
    discourse_username: str | None = None


@dataclass(frozen=True)
class ShoutoutOrganisation(Movement):
    rank: int
    slug: str
    name: str
    points: int
    previous_points: int
    previous_rank: int | None


@dataclass(frozen=True)
class ShoutoutContent:
    """What a month's shout-out says, whatever it is rendered in."""

    month: str
    label: str
    members: tuple[ShoutoutMember, ...]
    more_members: int
    organisations: tuple[ShoutoutOrganisation, ...]
    more_organisations: int
    contributors: int
    total_points: int
    total_credits: int
    new_contributors: int
    new_members: int
    how_to_get_listed: str
    note: str | None = None
    corrections: tuple[Correction, ...] = ()
    new_contributor_names: tuple[str, ...] = ()
    """Names of the month's new contributors who may be shown (``new_contributors``
    counts them all); raw, each renderer neutralises them."""

    @property
    def quiet(self) -> bool:
        """Nobody was credited this month."""
        return self.contributors == 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["corrections"] = [c.to_json() for c in self.corrections]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShoutoutContent:
        fields = dict(data)
        fields["members"] = tuple(ShoutoutMember(**m) for m in data["members"])
        fields["organisations"] = tuple(ShoutoutOrganisation(**o) for o in data["organisations"])
        fields["corrections"] = tuple(Correction.from_json(c) for c in data["corrections"])
        fields["new_contributor_names"] = tuple(data.get("new_contributor_names", ()))
        return cls(**fields)
