"""Where each partner stands in a month so far: its figures against its minimums.

:func:`partner_figures` is what ``/credit standing`` and a programme manager's App Home
show, a preview that stores nothing. The minimums come from the standing rules'
own evaluation (:func:`bot.services.partners.facts.evaluate_month`), so this module
decides nothing about standing: it lines up the month's points and payments beside
what the rules ask, and the ladder level of the partner's last evaluated month.

Only the practical and financial commitments are shown here: code-of-conduct records
are the most private data the bot holds and stay in the command line
(``creditbot standing``, ``creditbot conduct list``).
"""

from __future__ import annotations

from collections import defaultdict

from bot.config import ProgrammeConfig
from bot.messages.slack.standing import PartnerFigures
from bot.services.partners.facts import evaluate_month, monthly_points
from scoring.months import Month
from storage.uow import UnitOfWork


def partner_figures(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> list[PartnerFigures]:
    """Every partner's points and payments in ``month`` against its minimums, at risk
    first (the furthest down the ladder, then the shortest), then by name."""
    evaluations = evaluate_month(uow, config, month)
    points = monthly_points(uow, config, (month,))
    paid: dict[str, float] = defaultdict(float)
    slugs = [org.slug for org, _ in evaluations]
    for payment in uow.payments.between(month.first_day(), month.last_day(), slugs):
        paid[payment.organisation] += payment.amount_usd_cents / 100
    figures = []
    for org, evaluation in evaluations:
        latest = uow.standing.latest_before(org.slug, month.shift(1))
        figures.append(
            PartnerFigures(
                slug=org.slug,
                name=org.name,
                level=latest.level if latest else 0,
                points=points.get(org.slug, {}).get(month, 0),
                minimum_points=evaluation.minimum_points,
                paid_usd=round(paid[org.slug], 2),
                minimum_usd=evaluation.minimum_usd,
            )
        )
    return sorted(
        figures,
        key=lambda f: (not f.at_risk, -f.level, -f.points_short, -f.usd_short, f.name.lower()),
    )
