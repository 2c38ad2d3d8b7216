"""Partners with credits, payments and standing runs (the standing and inactivity tests)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from bot.runtime import Runtime
from bot.services.ledger.credits import record_credit
from bot.services.ledger.members import ensure_member
from bot.services.partners.finance import add_payment
from bot.services.partners.standing import StandingRun, run_standing
from scoring.models import Identity, IdentityKind
from scoring.months import Month
from storage.repositories.outbox import OutboxMessage


def partner_rules(config_data: dict[str, Any]) -> dict[str, Any]:
    """Two partners (acme: 40 people in the US; beta: 10 people in France), the practical
    rule (10 points a month, 0.5 per employee for beta) and conduct; no financial rule
    unless a test turns it on."""
    config_data["partner_rules"] = {
        "window_months": 3,
        "min_points_per_month": 10,
        "small_partner_employees": 25,
        "min_points_per_employee": 0.5,
        "financial_minimum_usd": 0,
        "conduct_window_months": 12,
    }
    for org in config_data["organisations"]:
        if org.get("partner"):
            org["partner_since"] = "2026-01-01"
    config_data["organisations"][0]["contacts"] = ["U01ACME", "U02ACME"]
    return config_data


def credit(runtime: Runtime, email: str, month: Month, points: int, day: int = 10) -> None:
    """``points`` of code credited to ``email`` in ``month``."""
    when = datetime(month.year, month.month, day, 12, tzinfo=UTC)
    with runtime.uow() as uow:
        member, _ = ensure_member(
            uow, runtime.config, [Identity(IdentityKind.EMAIL, email)], email.split("@")[0], when
        )
        record_credit(
            uow,
            runtime.config,
            member,
            "code",
            when,
            "test",
            f"{email}:{month}:{day}:{points}",
            when,
            points=points,
        )
        uow.commit()


def meet(runtime: Runtime, *months: Month) -> None:
    """Both partners meet the practical minimum in ``months``."""
    for m in months:
        credit(runtime, "ann@acme.example", m, 10)
        credit(runtime, "bea@beta.example", m, 5)


def pay(runtime: Runtime, slug: str, day: date, amount: str, currency: str = "USD") -> None:
    with runtime.uow() as uow:
        add_payment(uow, runtime.config, slug, day, Decimal(amount), currency, runtime.now())
        uow.commit()


def evaluate(runtime: Runtime, month: Month) -> StandingRun:
    with runtime.uow() as uow:
        run = run_standing(uow, runtime.config, month, runtime.now())
        uow.commit()
    return run


def outbox(runtime: Runtime) -> list[OutboxMessage]:
    """Every outbox row, oldest first."""
    with runtime.reader() as uow:
        return sorted(uow.outbox.list(limit=1000), key=lambda m: m.id)


def outbox_count(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        return sum(uow.outbox.counts().values())
