"""Frozen dataclasses of the domain: who, for whom, what and when."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from enum import StrEnum


class IdentityKind(StrEnum):
    SLACK = "slack"
    DISCOURSE = "discourse"
    GITHUB = "github"
    EMAIL = "email"


class AffiliationSource(StrEnum):
    MANUAL = "manual"
    DOMAIN = "domain"


@dataclass(frozen=True)
class Identity:
    """One account of a member (a Slack user id, a forum username, an e-mail...)."""

    kind: IdentityKind
    value: str


@dataclass(frozen=True)
class Member:
    id: int
    name: str
    identities: tuple[Identity, ...] = ()
    first_seen: datetime | None = None
    is_bot: bool = False
    show_publicly: bool = True

    def identity(self, kind: IdentityKind) -> str | None:
        """The first identity of that kind, or None."""
        return next((i.value for i in self.identities if i.kind == kind), None)


@dataclass(frozen=True)
class Organisation:
    slug: str
    name: str
    domains: tuple[str, ...] = ()
    country: str | None = None
    employees: int | None = None
    partner: bool = False
    staff: bool = False
    contacts: tuple[str, ...] = ()


@dataclass(frozen=True)
class Affiliation:
    """A member belongs to an organisation over ``[start, end)``; ``None`` is open-ended."""

    member_id: int
    organisation: str
    source: AffiliationSource
    start: date | None = None
    end: date | None = None

    def covers(self, day: date) -> bool:
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class ContributionType:
    name: str
    points: int
    badge: str | None = None


@dataclass(frozen=True)
class Credit:
    """One recognised contribution. Withdrawn credits stay, with ``withdrawn_at`` set."""

    member_id: int
    type: str
    points: int
    occurred_at: datetime
    source: str
    source_ref: str
    id: int | None = None
    note: str = ""
    granted_by: str | None = None
    explicit_organisation: str | None = None
    organisation: str | None = None
    withdrawn_at: datetime | None = None

    @property
    def withdrawn(self) -> bool:
        return self.withdrawn_at is not None


@dataclass(frozen=True)
class ScoringRules:
    """How credits are counted: the types and the bounds of hand-given points."""

    types: tuple[ContributionType, ...]
    max_points: int = 50
    exclude_staff_from_rankings: bool = False

    def type_named(self, name: str) -> ContributionType | None:
        return next((t for t in self.types if t.name == name), None)

    @property
    def type_names(self) -> tuple[str, ...]:
        return tuple(t.name for t in self.types)


@dataclass(frozen=True)
class MemberTotal:
    """A member's points in one month, as the ledger sums them."""

    member_id: int
    name: str
    points: int
    credits: int
    organisation: str | None = None
    slack_id: str | None = None
    discourse_username: str | None = None


@dataclass(frozen=True)
class RankedMember:
    rank: int
    member_id: int
    name: str
    points: int
    credits: int
    organisation: str | None
    slack_id: str | None
    discourse_username: str | None


class Movement:
    """Points and place against last month's, for a ranked organisation (the fields
    are the dataclass's that inherits this)."""

    points: int
    previous_points: int
    rank: int | None
    previous_rank: int | None

    @property
    def delta_points(self) -> int:
        return self.points - self.previous_points

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost (negative) since last month; None if not
        ranked in one of the two months."""
        if self.rank is None or self.previous_rank is None:
            return None
        return self.previous_rank - self.rank


@dataclass(frozen=True)
class RankedOrganisation(Movement):
    slug: str
    name: str
    points: int
    rank: int | None
    previous_points: int
    previous_rank: int | None


@dataclass(frozen=True)
class MonthlyReport:
    month: str
    members: tuple[RankedMember, ...]
    organisations: tuple[RankedOrganisation, ...]
    new_contributors: int
    new_members: int
    total_points: int = 0
    total_credits: int = 0
    extras: dict[str, object] = field(default_factory=dict)
