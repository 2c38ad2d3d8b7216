"""Organisations that qualify as partners (``partner_rules.window_months`` months in a row
meeting every minimum), listed on demand and reported to programme managers once.

Outbox key of the report: ``partners:eligible:<slug>:dm:<manager>`` (once per
organisation: a later month in which it still qualifies says nothing more).
"""

from __future__ import annotations

from datetime import datetime

from bot.config import ProgrammeConfig
from bot.services.partners.facts import evaluate_month, partner_rules
from bot.services.partners.notices import tell_managers
from scoring.admission import Eligibility, eligibility
from scoring.months import Month
from scoring.standing import StandingEvaluation
from storage.protocols import StandingWork


def eligible_organisations(
    uow: StandingWork, config: ProgrammeConfig, month: Month
) -> list[Eligibility]:
    """Every organisation that is not a partner and qualifies at the end of ``month``."""
    candidates = [o for o in uow.organisations.all() if not o.partner and not o.staff]
    if not candidates:
        return []
    window = max(partner_rules(config).window_months, 1)
    by_slug: dict[str, list[StandingEvaluation]] = {o.slug: [] for o in candidates}
    for k in range(window - 1, -1, -1):
        for org, evaluation in evaluate_month(uow, config, month.shift(-k), candidates):
            by_slug[org.slug].append(evaluation)
    verdicts = [eligibility(slug, evaluations) for slug, evaluations in by_slug.items()]
    return [v for v in verdicts if v.qualifies]


def report_eligible(
    uow: StandingWork, config: ProgrammeConfig, month: Month, now: datetime
) -> list[str]:
    """Tell programme managers, once per organisation, that it now qualifies."""
    keys: list[str] = []
    names = {o.slug: o.name for o in uow.organisations.all()}
    window = max(partner_rules(config).window_months, 1)
    for verdict in eligible_organisations(uow, config, month):
        name = names.get(verdict.slug, verdict.slug)
        text = (
            f"*{name} now qualifies as a partner* (private)\n"
            f"{name} ({verdict.slug}) met every partner minimum in each of the last {window} "
            f"months ({verdict.first} to {verdict.last}) with no code-of-conduct record: "
            f"{verdict.figures()}. To admit it, set `partner: true` (and `partner_since`) "
            "for it in creditbot.yml; `creditbot partners eligible` lists every such "
            "organisation."
        )
        keys += tell_managers(uow, config, f"partners:eligible:{verdict.slug}", text, now)
    return keys
