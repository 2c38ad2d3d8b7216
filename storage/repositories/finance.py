"""Payments towards the partners' financial minimum."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime

from sqlalchemy import select
from sqlmodel import Session

from scoring.records import Payment
from storage.sql import insert_one_ignoring_conflicts
from storage.tables import PaymentRow, columns, table

_payment = columns(PaymentRow)


class PaymentRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def add(self, payment: Payment, now: datetime) -> bool:
        """Record a payment; False (nothing written) if its source reference is known."""
        return (
            insert_one_ignoring_conflicts(
                self._session,
                table(PaymentRow),
                ("source", "source_ref"),
                {
                    "organisation": payment.organisation,
                    "paid_on": payment.paid_on,
                    "amount_cents": payment.amount_cents,
                    "currency": payment.currency,
                    "amount_usd_cents": payment.amount_usd_cents,
                    "source": payment.source,
                    "source_ref": payment.source_ref,
                    "note": payment.note,
                    "created_at": now,
                    "months": payment.months,
                },
            )
            is not None
        )

    def between(
        self, first: date, last: date, organisations: Sequence[str] | None = None
    ) -> list[Payment]:
        """Payments made from ``first`` to ``last`` (both included), oldest first."""
        query = select(PaymentRow).where(_payment.paid_on >= first, _payment.paid_on <= last)
        if organisations is not None:
            query = query.where(_payment.organisation.in_(list(organisations)))
        rows = self._session.execute(query.order_by(_payment.paid_on, _payment.id)).scalars()
        return [_to_payment(r) for r in rows]

    def for_organisation(self, slug: str, limit: int = 50) -> list[Payment]:
        """The latest payments of ``slug``, newest first."""
        rows = self._session.execute(
            select(PaymentRow)
            .where(_payment.organisation == slug)
            .order_by(_payment.paid_on.desc(), _payment.id.desc())
            .limit(limit)
        ).scalars()
        return [_to_payment(r) for r in rows]


def _to_payment(row: PaymentRow) -> Payment:
    return Payment(
        id=row.id,
        organisation=row.organisation,
        paid_on=row.paid_on,
        amount_cents=row.amount_cents,
        currency=row.currency,
        amount_usd_cents=row.amount_usd_cents,
        source=row.source,
        source_ref=row.source_ref,
        note=row.note,
        months=row.months,
    )
