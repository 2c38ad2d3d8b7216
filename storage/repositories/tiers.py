"""Partner tiers as decided at each half-yearly review (kept, never recomputed on a view)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlmodel import Session

from storage.sql import insert_one_ignoring_conflicts
from storage.tables import PartnerTierRow, columns, table

_tier = columns(PartnerTierRow)


@dataclass(frozen=True)
class StoredTier:
    """A partner's tier from the review of ``period`` (``YYYY-01`` or ``YYYY-07``)."""

    slug: str
    period: str
    tier: str | None
    badges: tuple[str, ...]
    reviewed_at: datetime


class TierRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, stored: StoredTier) -> bool:
        """Store a review's tier; False (nothing written) if that review is already stored."""
        return (
            insert_one_ignoring_conflicts(
                self._session,
                table(PartnerTierRow),
                ("organisation", "period"),
                {
                    "organisation": stored.slug,
                    "period": stored.period,
                    "tier": stored.tier,
                    "badges": list(stored.badges),
                    "reviewed_at": stored.reviewed_at,
                },
            )
            is not None
        )

    def latest(self) -> dict[str, StoredTier]:
        """Each organisation's tier from its latest review."""
        rows = self._session.execute(select(PartnerTierRow).order_by(_tier.period)).scalars()
        return {r.organisation: _to_stored(r) for r in rows}

    def history(self, slug: str) -> list[StoredTier]:
        """Every review of ``slug``, oldest first."""
        rows = self._session.execute(
            select(PartnerTierRow).where(_tier.organisation == slug).order_by(_tier.period)
        ).scalars()
        return [_to_stored(r) for r in rows]


def _to_stored(row: PartnerTierRow) -> StoredTier:
    return StoredTier(
        slug=row.organisation,
        period=row.period,
        tier=row.tier,
        badges=tuple(row.badges),
        reviewed_at=row.reviewed_at,
    )
