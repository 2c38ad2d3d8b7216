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
from scoring.bigmac import RELEASE_LABEL
from scoring.standing import StandingEvaluation
from storage.uow import UnitOfWork


def tell_managers(
    uow: UnitOfWork, config: ProgrammeConfig, key: str, text: str, now: datetime
) -> list[str]:
    """One private message per programme manager under ``key``; the keys written."""
    written: list[str] = []
    for manager in config.slack.program_managers:
        full = f"{key}:dm:{manager}"
        if uow.outbox.enqueue(full, "slack", "dm", manager, {"text": text, "blocks": None}, now):
            written.append(full)
    return written


def missing_bigmac_figures(
    uow: UnitOfWork,
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
