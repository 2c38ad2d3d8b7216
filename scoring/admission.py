"""Admission: when an organisation that is not a partner qualifies as one.

An organisation qualifies when each of the last ``window_months`` months (the month
considered included) meets every partner minimum on its own — practical, financial and
conduct (no code-of-conduct record in the ``conduct_window_months`` ending with that
month) — as :func:`scoring.standing.evaluate_partner` judges a partner's month.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from scoring.months import Month
from scoring.standing import StandingEvaluation


@dataclass(frozen=True)
class Eligibility:
    """An organisation's months in the admission window, and whether they all qualify."""

    slug: str
    months: tuple[StandingEvaluation, ...]

    @property
    def qualifies(self) -> bool:
        return bool(self.months) and all(e.good_standing for e in self.months)

    @property
    def first(self) -> Month:
        return self.months[0].month

    @property
    def last(self) -> Month:
        return self.months[-1].month

    def figures(self) -> str:
        """``2026-08: 12 points, $120.00; 2026-09: ...`` (what the managers are shown)."""
        return "; ".join(
            f"{e.month}: {_num(e.points)} points"
            + (f", ${e.paid_usd:,.2f}" if e.minimum_usd > 0 else "")
            for e in self.months
        )


def eligibility(slug: str, evaluations: Sequence[StandingEvaluation]) -> Eligibility:
    """The admission verdict from one evaluation per month of the window, oldest first."""
    return Eligibility(slug, tuple(sorted(evaluations, key=lambda e: e.month)))


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
