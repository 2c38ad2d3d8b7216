"""The records the services work with, as the repositories hand them over.

The repositories in ``storage/repositories/`` turn their rows into these (and back);
the services and the wording see only these, never a table row.

    Nomination, Membership     the Distinguished Contributor programme (and the status
                               strings stored with them)
    Payment                    a payment towards a partner's financial minimum (private)
    Lead                       a referral given to a partner (private)
    ConductRecord              a code-of-conduct record (private; its repr shows its id only)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

OPEN, APPROVED, DECLINED, NO_QUORUM = "open", "approved", "declined", "no_quorum"
NOMINATION_STATUSES = (OPEN, APPROVED, DECLINED, NO_QUORUM)
ACTIVE, LIFETIME, EXPIRED = "active", "lifetime", "expired"
MEMBERSHIP_STATUSES = (ACTIVE, LIFETIME, EXPIRED)


@dataclass(frozen=True)
class Nomination:
    """One nomination, as the panel message, the CLI and the services see it."""

    id: int
    cycle: int
    track: str
    nominee_key: str
    nominee_member_id: int | None
    nominee_org: str | None
    nominator: str
    justification: str
    links: tuple[str, ...]
    evidence: dict[str, Any]
    status: str
    tally: dict[str, Any] | None
    review_channel: str | None
    review_ts: str | None
    created_at: datetime
    decided_at: datetime | None = None


@dataclass(frozen=True)
class Membership:
    """A Distinguished Contributor's term in one track, with who they are."""

    nominee_key: str
    track: str
    started: date
    ends: date | None
    status: str
    name: str
    member_id: int | None
    org: str | None
    slack_user: str | None
    discourse_username: str | None
    id: int = 0
    first_started: date | None = None
    renewed_count: int = 0
    reminded_for: date | None = None
    nomination_id: int | None = None

    @property
    def lifetime(self) -> bool:
        return self.status == LIFETIME


@dataclass(frozen=True)
class Payment:
    """A payment by an organisation; amounts in cents, also converted to US cents."""

    organisation: str
    paid_on: date
    amount_cents: int
    currency: str
    amount_usd_cents: int
    source: str
    source_ref: str
    note: str = ""
    id: int | None = None
    months: int = 1  # the months it covers from the month paid, the amount spread evenly


@dataclass(frozen=True)
class Lead:
    id: int
    organisation: str
    region: str
    category: str
    size: str | None
    note: str
    reason: str
    created_by: str | None
    created_at: datetime


@dataclass(frozen=True)
class ConductRecord:
    """A record against an organisation or a member (one of the two)."""

    id: int
    occurred_on: date
    note: str
    organisation: str | None = None
    member_id: int | None = None
    recorded_by: str | None = None

    def __repr__(self) -> str:
        # The note is private: a repr that ends up in a log shows the id only.
        return f"ConductRecord(id={self.id})"
