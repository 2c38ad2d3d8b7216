"""Standing steps: a partner's evaluated months, the history of its ladder."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select, update
from sqlmodel import Session

from scoring.ladder import LadderStep
from scoring.months import Month
from storage.repositories.rollups import bump_public_version
from storage.sql import insert_one_ignoring_conflicts
from storage.tables import StandingDecisionRow, StandingStepRow, columns, table

_step = columns(StandingStepRow)
_decision = columns(StandingDecisionRow)


@dataclass(frozen=True)
class StandingDecision:
    """A programme manager's waive (a month counts as good) or reset (back to level 0)."""

    id: int
    slug: str
    month: Month
    kind: str
    reason: str
    decided_at: datetime


@dataclass(frozen=True)
class StoredStanding:
    """One evaluated month of one partner, as recorded."""

    slug: str
    month: Month
    good_standing: bool
    level: int
    reasons: tuple[str, ...]
    referrals_paused: bool
    listed: bool
    evaluated_at: datetime
    details: dict[str, Any] = field(default_factory=dict)

    def ladder_step(self) -> LadderStep:
        """The step the ladder continues from."""
        return LadderStep(self.month, self.level, self.good_standing)


class StandingRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def record(self, step: StoredStanding) -> bool:
        """Store an evaluated month; False (nothing written) if that month is already stored."""
        stored = (
            insert_one_ignoring_conflicts(
                self._session,
                table(StandingStepRow),
                ("organisation", "month"),
                {
                    "organisation": step.slug,
                    "month": str(step.month),
                    "good_standing": step.good_standing,
                    "level": step.level,
                    "reasons": list(step.reasons),
                    "details": dict(step.details),
                    "referrals_paused": step.referrals_paused,
                    "listed": step.listed,
                    "evaluated_at": step.evaluated_at,
                },
            )
            is not None
        )
        if stored:
            bump_public_version(self._session)
        return stored

    def get(self, slug: str, month: Month) -> StoredStanding | None:
        """The stored result of ``slug`` for ``month``, or None."""
        row = self._session.execute(
            select(StandingStepRow).where(_step.organisation == slug, _step.month == str(month))
        ).scalar_one_or_none()
        return None if row is None else _to_stored(row)

    def latest(self, slug: str) -> StoredStanding | None:
        """The last evaluated month of ``slug`` (months sort as text), or None."""
        row = self._session.execute(
            select(StandingStepRow)
            .where(_step.organisation == slug)
            .order_by(_step.month.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else _to_stored(row)

    def latest_before(self, slug: str, month: Month) -> StoredStanding | None:
        """The last evaluated month of ``slug`` strictly before ``month``, or None."""
        row = self._session.execute(
            select(StandingStepRow)
            .where(_step.organisation == slug, _step.month < str(month))
            .order_by(_step.month.desc())
            .limit(1)
        ).scalar_one_or_none()
        return None if row is None else _to_stored(row)

    def for_month(self, month: Month) -> dict[str, StoredStanding]:
        """Every partner's stored result for ``month``, by slug."""
        rows = self._session.execute(
            select(StandingStepRow).where(_step.month == str(month))
        ).scalars()
        return {r.organisation: _to_stored(r) for r in rows}

    def restate(self, step: StoredStanding) -> None:
        """Overwrite a stored month's level, listing, referrals and details (a programme
        manager's waive or reset only: evaluations are never recomputed by themselves)."""
        self._session.execute(
            update(StandingStepRow)
            .where(_step.organisation == step.slug, _step.month == str(step.month))
            .values(
                level=step.level,
                good_standing=step.good_standing,
                referrals_paused=step.referrals_paused,
                listed=step.listed,
                details=dict(step.details),
            )
        )

    def add_decision(
        self, slug: str, month: Month, kind: str, reason: str, now: datetime
    ) -> StandingDecision:
        """Record a waive or reset in the history."""
        row = StandingDecisionRow(
            organisation=slug, month=str(month), kind=kind, reason=reason, decided_at=now
        )
        self._session.add(row)
        self._session.flush()
        return _to_decision(row)

    def decisions(self, slug: str) -> list[StandingDecision]:
        """Every waive and reset of ``slug``, oldest first."""
        rows = self._session.execute(
            select(StandingDecisionRow)
            .where(_decision.organisation == slug)
            .order_by(_decision.decided_at, _decision.id)
        ).scalars()
        return [_to_decision(r) for r in rows]

    def history(self, slug: str) -> list[StoredStanding]:
        """Every evaluated month of ``slug``, oldest first."""
        rows = self._session.execute(
            select(StandingStepRow).where(_step.organisation == slug).order_by(_step.month)
        ).scalars()
        return [_to_stored(r) for r in rows]


def _to_stored(row: StandingStepRow) -> StoredStanding:
    return StoredStanding(
        slug=row.organisation,
        month=Month.parse(row.month),
        good_standing=row.good_standing,
        level=row.level,
        reasons=tuple(row.reasons),
        referrals_paused=row.referrals_paused,
        listed=row.listed,
        evaluated_at=row.evaluated_at,
        details=dict(row.details),
    )


def _to_decision(row: StandingDecisionRow) -> StandingDecision:
    return StandingDecision(
        id=row.id or 0,
        slug=row.organisation,
        month=Month.parse(row.month),
        kind=row.kind,
        reason=row.reason,
        decided_at=row.decided_at,
    )
