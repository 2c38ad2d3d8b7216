"""Things programme managers are told once about partner standing (private messages).

- a partner's country missing from the Big Mac table: which override would fix it
  (key ``standing:bigmac:<COUNTRY>:dm:<manager>``, once per country);
- a credit or payment recorded late for a month already evaluated, with the waive
  command that would apply it (``standing:late:<slug>:<YYYY-MM>:<figures>:dm:<manager>``,
  once per set of figures);
- an organisation that now qualifies as a partner (``partners:eligible:<slug>:dm:<manager>``,
  once per organisation).

The outbox keys make "once" hold: enqueueing a key already there writes nothing.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.config import ProgrammeConfig
from bot.services.partners.facts import evaluate_month, partners
from scoring.bigmac import RELEASE_LABEL
from scoring.months import Month
from scoring.standing import StandingEvaluation
from storage.protocols import StandingWork


def tell_managers(
    uow: StandingWork, config: ProgrammeConfig, key: str, text: str, now: datetime
) -> list[str]:
    """One private message per programme manager under ``key``; the keys written."""
    written: list[str] = []
    for manager in config.slack.program_managers:
        full = f"{key}:dm:{manager}"
        if uow.outbox.enqueue(full, "slack", "dm", manager, {"text": text, "blocks": None}, now):
            written.append(full)
    return written


def missing_bigmac_figures(
    uow: StandingWork,
    config: ProgrammeConfig,
    evaluations: Sequence[StandingEvaluation],
    now: datetime,
) -> list[str]:
    """Tell managers once per country that has no Big Mac figure and no override."""
    keys: list[str] = []
    by_country: dict[str, list[str]] = {}
    for evaluation in evaluations:
        if evaluation.unadjusted_country:
            by_country.setdefault(evaluation.unadjusted_country, []).append(evaluation.slug)
    minimum = config.partner_rules.financial_minimum_usd
    for country, slugs in sorted(by_country.items()):
        text = (
            f"*Big Mac figure missing for {country}* (private)\n"
            f"{RELEASE_LABEL} has no figure for {country}, so {', '.join(slugs)} "
            f"{'is' if len(slugs) == 1 else 'are'} held to the unadjusted ${minimum:,.2f} "
            "financial minimum. To adjust it, add the local/US Big Mac price ratio to "
            f"creditbot.yml: `partner_rules: {{bigmac_overrides: {{{country}: 0.8}}}}` "
            "(0.8 where a Big Mac costs 80% of the American price in dollars)."
        )
        keys += tell_managers(uow, config, f"standing:bigmac:{country}", text, now)
    return keys


#: How far back a late record is looked for (evaluated months).
LATE_LOOKBACK_MONTHS = 12


def late_records(
    uow: StandingWork, config: ProgrammeConfig, latest: Month, now: datetime
) -> list[str]:
    """Tell managers once about a credit or payment recorded after a month was evaluated
    short (and not waived) that would change its figures, with the waive command."""
    orgs = {o.slug: o for o in partners(uow)}
    keys: list[str] = []
    for k in range(LATE_LOOKBACK_MONTHS):
        month = latest.shift(-k)
        stored = {
            slug: s
            for slug, s in uow.standing.for_month(month).items()
            # (a month stored without its figures, before they were kept, is left alone)
            if slug in orgs
            and not s.good_standing
            and "waived" not in s.details
            and "points" in s.details
        }
        if not stored:
            continue
        for org, now_eval in evaluate_month(uow, config, month, [orgs[s] for s in stored]):
            before = stored[org.slug].details
            points, paid = float(before.get("points", 0)), float(before.get("paid_usd", 0.0))
            if now_eval.points <= points and now_eval.paid_usd <= paid:
                continue
            figures = f"{_num(now_eval.points)}:{now_eval.paid_usd:.2f}"
            text = _late_text(org.name, org.slug, month, points, paid, now_eval)
            keys += tell_managers(
                uow, config, f"standing:late:{org.slug}:{month}:{figures}", text, now
            )
    return keys


def _late_text(
    name: str, slug: str, month: Month, points: float, paid: float, now_eval: StandingEvaluation
) -> str:
    verdict = (
        "it would now be in good standing"
        if now_eval.good_standing
        else "it would still fall short: " + "; ".join(now_eval.reasons)
    )
    money = (
        f" and ${now_eval.paid_usd:,.2f} in payments (${paid:,.2f} then)"
        if now_eval.minimum_usd > 0
        else ""
    )
    return (
        f"*Late record for {name}, {month.label()}* (private)\n"
        f"A credit or payment for {month} was recorded after that month was evaluated: "
        f"{name} now has {_num(now_eval.points)} points ({_num(points)} then){money}, and "
        f"{verdict}. The stored evaluation does not change by itself; to count the month as "
        f'good: `creditbot standing waive --org {slug} --month {month} --reason "..."`'
    )


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
