"""The facts partner standing is judged on, gathered from the ledger, and the rules
from the configuration as the pure domain wants them.

Since when a partner is judged: ``partner_since`` in its configuration; without it,
every evaluated month (never the first credit: a record dated after a month must not
change that month's evaluation). A payment covers the month it was made, or the
``months`` months from it, the amount spread evenly.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bot.config import ProgrammeConfig
from scoring.inactivity import InactivityRules
from scoring.models import Organisation
from scoring.months import Month
from scoring.standing import (
    PartnerFacts,
    PartnerRules,
    StandingEvaluation,
    evaluate_partner,
)
from scoring.tiers import TierRules
from storage.protocols import StandingWork


# -- rules from the configuration ------------------------------------------------------
def partner_rules(config: ProgrammeConfig) -> PartnerRules:
    r = config.partner_rules
    return PartnerRules(
        window_months=r.window_months,
        min_points_per_month=r.min_points_per_month,
        small_partner_employees=r.small_partner_employees,
        min_points_per_employee=r.min_points_per_employee,
        financial_minimum_usd=r.financial_minimum_usd,
        conduct_window_months=r.conduct_window_months,
        bigmac_overrides=dict(r.bigmac_overrides),
    )


def tier_rules(config: ProgrammeConfig) -> TierRules:
    t = config.tiers
    return TierRules(
        window_months=t.window_months,
        min_points_per_badge=t.min_points_per_badge,
        badge_minimums=dict(t.badge_minimums),
        levels=tuple(sorted(t.levels.items(), key=lambda item: item[1])),
    )


def inactivity_rules(config: ProgrammeConfig) -> InactivityRules:
    i = config.inactivity
    return InactivityRules(
        member_days=i.member_days,
        nudge_cooldown_days=i.nudge_cooldown_days,
        org_decline_ratio=i.org_decline_ratio,
        welcome_back_days=i.welcome_back_days,
    )


# -- gathering the facts -----------------------------------------------------------------
def partners(uow: StandingWork) -> list[Organisation]:
    """The partner organisations, by slug."""
    return [o for o in uow.organisations.all() if o.partner]


def monthly_points(
    uow: StandingWork, config: ProgrammeConfig, months: tuple[Month, ...]
) -> dict[str, dict[Month, int]]:
    out: dict[str, dict[Month, int]] = defaultdict(dict)
    by_month = uow.monthly.organisation_points_in([str(m) for m in months])
    for m in months:
        for slug, points in by_month[str(m)].items():
            out[slug][m] = points
    return out


#: The longest span one payment may cover (``finance add --months``).
MAX_PAYMENT_MONTHS = 36


def payments_by_month(
    uow: StandingWork, months: tuple[Month, ...], slugs: list[str]
) -> dict[str, dict[Month, float]]:
    """US dollars covering each of ``months`` per organisation (spread payments included)."""
    out: dict[str, dict[Month, float]] = defaultdict(lambda: defaultdict(float))
    if not months:
        return out
    wanted = set(months)
    first = months[0].shift(-(MAX_PAYMENT_MONTHS - 1)).first_day()
    for p in uow.payments.between(first, months[-1].last_day(), slugs):
        span = max(p.months, 1)
        share = p.amount_usd_cents / 100 / span
        paid = Month.of(p.paid_on)
        for k in range(span):
            covered = paid.shift(k)
            if covered in wanted:
                out[p.organisation][covered] += share
    return out


def _conduct_dates(uow: StandingWork, month: Month, rules: PartnerRules) -> dict[str, list[date]]:
    """Days of records against each organisation or anyone who belonged to it that day."""
    out: dict[str, list[date]] = defaultdict(list)
    if rules.conduct_window_months <= 0:
        return out
    first = month.shift(-(rules.conduct_window_months - 1)).first_day()
    for record in uow.conduct.between(first, month.last_day()):
        slug = record.organisation
        if slug is None and record.member_id is not None:
            slug = uow.members.organisation_on(record.member_id, record.occurred_on)
        if slug is not None:
            out[slug].append(record.occurred_on)
    return out


def configured_since(config: ProgrammeConfig, slug: str) -> Month | None:
    """The month of ``partner_since``, or None (every evaluated month is judged)."""
    configured = next((o for o in config.organisations if o.slug == slug), None)
    if configured is not None and configured.partner_since is not None:
        return Month.of(configured.partner_since)
    return None


def evaluate_month(
    uow: StandingWork, config: ProgrammeConfig, month: Month, orgs: list[Organisation] | None = None
) -> list[tuple[Organisation, StandingEvaluation]]:
    """Each partner's (or each of ``orgs``') evaluation of ``month`` from the records dated
    up to its end (nothing stored). Never raises for a missing Big Mac figure."""
    rules = partner_rules(config)
    orgs = partners(uow) if orgs is None else orgs
    if not orgs:
        return []
    points = monthly_points(uow, config, (month,))
    payments = payments_by_month(uow, (month,), [o.slug for o in orgs])
    conduct = _conduct_dates(uow, month, rules)
    out: list[tuple[Organisation, StandingEvaluation]] = []
    for org in orgs:
        facts = PartnerFacts(
            slug=org.slug,
            employees=org.employees,
            country=org.country,
            since=configured_since(config, org.slug) if org.partner else None,
            points=points.get(org.slug, {}),
            payments_usd=payments.get(org.slug, {}),
            conduct_dates=tuple(conduct.get(org.slug, [])),
        )
        out.append((org, evaluate_partner(facts, month, rules)))
    return out
