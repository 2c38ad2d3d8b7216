"""The facts partner standing is judged on, gathered from the ledger, and the rules
from the configuration as the pure domain wants them.

When a partner joined: ``partner_since`` in its configuration, else the month of the
first credit ever counted for it (a partner with no credit at all is judged on the
whole window).
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date

from bot.config import ProgrammeConfig
from bot.errors import CreditbotError
from scoring.errors import MissingBigMacFigure
from scoring.inactivity import InactivityRules
from scoring.models import Organisation
from scoring.months import Month
from scoring.standing import (
    PartnerFacts,
    PartnerRules,
    StandingEvaluation,
    evaluate_partner,
    window,
)
from scoring.tiers import Tier, TierRules, tier_for
from storage.uow import UnitOfWork


class PartnerCountryError(CreditbotError):
    """A partner's country has no Big Mac figure: names the partner and the override."""

    def __init__(self, slug: str, error: MissingBigMacFigure) -> None:
        super().__init__(f"organisation '{slug}': {error}")
        self.slug = slug


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
def partners(uow: UnitOfWork) -> list[Organisation]:
    """The partner organisations, by slug."""
    return [o for o in uow.organisations.all() if o.partner]


def monthly_points(
    uow: UnitOfWork, config: ProgrammeConfig, months: tuple[Month, ...]
) -> dict[str, dict[Month, int]]:
    out: dict[str, dict[Month, int]] = defaultdict(dict)
    by_month = uow.monthly.organisation_points_in([str(m) for m in months])
    for m in months:
        for slug, points in by_month[str(m)].items():
            out[slug][m] = points
    return out


def _payments(
    uow: UnitOfWork, months: tuple[Month, ...], slugs: list[str]
) -> dict[str, dict[Month, float]]:
    out: dict[str, dict[Month, float]] = defaultdict(lambda: defaultdict(float))
    for p in uow.payments.between(months[0].first_day(), months[-1].last_day(), slugs):
        out[p.organisation][Month.of(p.paid_on)] += p.amount_usd_cents / 100
    return out


def _conduct_dates(uow: UnitOfWork, month: Month, rules: PartnerRules) -> dict[str, list[date]]:
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


def _since(uow: UnitOfWork, config: ProgrammeConfig, slug: str) -> Month | None:
    configured = next((o for o in config.organisations if o.slug == slug), None)
    if configured is not None and configured.partner_since is not None:
        return Month.of(configured.partner_since)
    first = uow.standing.first_credit_at(slug)
    return None if first is None else Month.of(first.astimezone(config.tz).date())


def evaluate_month(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month
) -> list[tuple[Organisation, StandingEvaluation]]:
    """Every partner's evaluation of ``month`` from the ledger as it stands (nothing stored)."""
    rules = partner_rules(config)
    orgs = partners(uow)
    if not orgs:
        return []
    months = window(month, rules.window_months)
    points = monthly_points(uow, config, months)
    payments = _payments(uow, months, [o.slug for o in orgs])
    conduct = _conduct_dates(uow, month, rules)
    out: list[tuple[Organisation, StandingEvaluation]] = []
    for org in orgs:
        facts = PartnerFacts(
            slug=org.slug,
            employees=org.employees,
            country=org.country,
            since=_since(uow, config, org.slug),
            points=points.get(org.slug, {}),
            payments_usd=payments.get(org.slug, {}),
            conduct_dates=tuple(conduct.get(org.slug, [])),
        )
        try:
            out.append((org, evaluate_partner(facts, month, rules)))
        except MissingBigMacFigure as error:
            raise PartnerCountryError(org.slug, error) from None
    return out


def tiers_for(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month, slugs: list[str]
) -> dict[str, Tier]:
    """Each organisation's badges and tier over the tier window ending with ``month``."""
    rules = tier_rules(config)
    start, _ = month.shift(-(rules.window_months - 1)).bounds(config.tz)
    _, end = month.bounds(config.tz)
    types = config.rules.types
    return {
        slug: tier_for(uow.ledger.points_by_type(start, end, organisation=slug), types, rules)
        for slug in slugs
    }
