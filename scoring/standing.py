"""Is a partner in good standing for a month? Each month is judged on its own.

- *practical*: the month's points reach the minimum: ``min_points_per_month`` for
  partners above ``small_partner_employees`` (or of unknown size),
  ``min_points_per_employee`` times the head count for partners at or below it;
- *financial*: the payments covering the month (a payment covers its own month, or the
  N months from it, spread evenly) reach ``financial_minimum_usd`` adjusted for the
  partner's country by the Big Mac index (see :mod:`scoring.bigmac`); 0 turns the rule
  off. A country without a figure is held to the unadjusted minimum, and the reason
  says so: one partner's missing figure never stops an evaluation;
- *conduct*: no code-of-conduct record against the organisation or one of its members
  in the ``conduct_window_months`` months ending with the evaluated one; 0 turns it off.

A month before ``PartnerFacts.since`` (the partner's ``partner_since``) has nothing to
answer for. Records dated after the evaluated month are ignored, so evaluating a past
month gives the same answer later. ``window_months`` is the *admission* window (see
:mod:`scoring.admission`), not part of a partner's monthly judgement.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum

from scoring.bigmac import financial_threshold
from scoring.errors import MissingBigMacFigure
from scoring.months import Month, months_between


@dataclass(frozen=True)
class PartnerRules:
    """The partner programme's commitments (``partner_rules`` in creditbot.yml)."""

    window_months: int = 3
    min_points_per_month: float = 10
    small_partner_employees: int = 25
    min_points_per_employee: float = 0.5
    financial_minimum_usd: float = 100
    conduct_window_months: int = 12
    bigmac_overrides: Mapping[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class PartnerFacts:
    """What the ledger knows about one partner, as the evaluation needs it.

    ``points`` and ``payments_usd`` are keyed by month; missing months count as 0.
    ``conduct_dates`` are the days of records against the organisation or any person
    who belonged to it on that day. ``since`` is the first month the partner is
    judged on (None: judged on the whole window).
    """

    slug: str
    employees: int | None = None
    country: str | None = None
    since: Month | None = None
    points: Mapping[Month, int] = field(default_factory=dict)
    payments_usd: Mapping[Month, float] = field(default_factory=dict)
    conduct_dates: tuple[date, ...] = ()


class Rule(StrEnum):
    PRACTICAL = "practical"
    FINANCIAL = "financial"
    CONDUCT = "conduct"


@dataclass(frozen=True)
class Shortfall:
    """One commitment missed: which, in which month, what was needed and what there was.

    For conduct, ``actual`` is the number of records in the window, ``month`` is None
    and ``clears_after`` is the last month the latest record still counts.
    """

    rule: Rule
    month: Month | None
    required: float
    actual: float
    clears_after: Month | None = None
    unadjusted_country: str | None = None  # financial: no Big Mac figure for this country

    @property
    def missing(self) -> float:
        """How far below the requirement (points or dollars); 0 for conduct."""
        return max(self.required - self.actual, 0.0)

    def describe(self) -> str:
        """One line, e.g. ``practical: 2026-09 had 4 points of the 10 needed (6 short)``."""
        if self.rule == Rule.PRACTICAL:
            return (
                f"practical: {self.month} had {_num(self.actual)} points of the "
                f"{_num(self.required)} needed ({_num(self.missing)} short)"
            )
        if self.rule == Rule.FINANCIAL:
            basis = (
                f"; no Big Mac figure for {self.unadjusted_country}, so the unadjusted "
                "minimum applies"
                if self.unadjusted_country
                else ""
            )
            return (
                f"financial: {self.month} had ${self.actual:,.2f} in payments of the "
                f"${self.required:,.2f} needed (${self.missing:,.2f} short{basis})"
            )
        count = int(self.actual)
        records = "record" if count == 1 else "records"
        return (
            f"conduct: {count} code-of-conduct {records} in the window "
            f"(counts until the end of {self.clears_after})"
        )


@dataclass(frozen=True)
class StandingEvaluation:
    """A partner's month: in good standing or not, and every shortfall."""

    slug: str
    month: Month
    judged_months: tuple[Month, ...]
    minimum_points: float
    minimum_usd: float
    shortfalls: tuple[Shortfall, ...] = ()
    points: float = 0
    paid_usd: float = 0.0
    unadjusted_country: str | None = None  # the country missing from the Big Mac table

    @property
    def good_standing(self) -> bool:
        return not self.shortfalls

    @property
    def reasons(self) -> tuple[str, ...]:
        return tuple(s.describe() for s in self.shortfalls)


def window(month: Month, months: int) -> tuple[Month, ...]:
    """The ``months`` months ending with ``month``, oldest first."""
    return tuple(months_between(month.shift(-(max(months, 1) - 1)), month))


def minimum_points(employees: int | None, rules: PartnerRules) -> float:
    """The practical minimum per month for a partner of this size."""
    if employees is not None and employees <= rules.small_partner_employees:
        return round(rules.min_points_per_employee * employees, 2)
    return rules.min_points_per_month


def evaluate_partner(facts: PartnerFacts, month: Month, rules: PartnerRules) -> StandingEvaluation:
    """Evaluate one partner's ``month`` on its own against the three commitments.

    A country missing from the Big Mac table is judged on the unadjusted minimum
    (``unadjusted_country`` says which); it never raises.
    """
    months = (month,) if _judged(month, facts.since) else ()
    need_points = minimum_points(facts.employees, rules)
    need_usd, missing_country = _threshold(facts.country, rules)
    got = facts.points.get(month, 0)
    paid = round(facts.payments_usd.get(month, 0.0), 2)
    shortfalls: list[Shortfall] = []
    if months and got < need_points:
        shortfalls.append(Shortfall(Rule.PRACTICAL, month, need_points, got))
    if months and need_usd > 0 and paid < need_usd:
        shortfalls.append(
            Shortfall(Rule.FINANCIAL, month, need_usd, paid, unadjusted_country=missing_country)
        )
    conduct = _conduct_shortfall(facts.conduct_dates, month, rules.conduct_window_months)
    if conduct is not None:
        shortfalls.append(conduct)
    return StandingEvaluation(
        slug=facts.slug,
        month=month,
        judged_months=months,
        minimum_points=need_points,
        minimum_usd=need_usd,
        shortfalls=tuple(shortfalls),
        points=got,
        paid_usd=paid,
        unadjusted_country=missing_country if need_usd > 0 else None,
    )


def _threshold(country: str | None, rules: PartnerRules) -> tuple[float, str | None]:
    """The financial minimum, and the country when it had to stay unadjusted."""
    try:
        return financial_threshold(
            rules.financial_minimum_usd, country, rules.bigmac_overrides
        ), None
    except MissingBigMacFigure as missing:
        return round(rules.financial_minimum_usd, 2), missing.country


def _judged(month: Month, since: Month | None) -> bool:
    return since is None or month >= since


def _conduct_shortfall(dates: tuple[date, ...], month: Month, months: int) -> Shortfall | None:
    if months <= 0:
        return None
    first = month.shift(-(months - 1)).first_day()
    last = month.last_day()
    inside = sorted(d for d in dates if first <= d <= last)
    if not inside:
        return None
    clears_after = Month.of(inside[-1]).shift(months - 1)
    return Shortfall(Rule.CONDUCT, None, 0, len(inside), clears_after=clears_after)


def _num(value: float) -> str:
    """``4`` rather than ``4.0``; ``2.5`` stays."""
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
