"""Payments towards the financial minimum: one by one, or an Open Collective export.

Amounts are converted to US dollars with ``finance.rates`` in creditbot.yml (US dollars
per unit of each currency; USD is always 1), a table the programme managers update.

An Open Collective transactions export (the CSV of a collective's transactions) has,
among others, the columns ``datetime``, ``type`` (CREDIT/DEBIT), ``kind``
(CONTRIBUTION, ADDED_FUNDS, HOST_FEE...), ``isRefund``/``isRefunded``, ``amount``,
``currency``, ``oppositeAccountSlug`` and ``oppositeAccountName`` (the contributor)
and ``id``. Money received (CREDIT, a contribution or added funds, not refunded)
counts; the contributor is matched to an organisation by ``finance.aliases``, then
slug, then name. A plain CSV with ``date``, ``amount``, ``currency`` and
``organisation`` works too. A file with a bad line stores nothing; importing it again
adds nothing. (The file import is :mod:`bot.services.partners.payments_csv`.)

A payment covers the month it was made, or the ``months`` months from it (1 to 36, the
amount spread evenly): ``finance add --months N``, a ``months`` column, or, in an Open
Collective export, a ``frequency`` column whose YEARLY contributions cover 12 months.
Amounts and dates are checked against :mod:`scoring.bounds` (2000-01-01 to tomorrow).
"""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime
from decimal import Decimal

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.services.organisations import known_organisation
from scoring.bounds import check_date
from scoring.bounds import parse_amount as bounded_amount
from scoring.errors import OutOfRange
from scoring.months import Month
from scoring.records import Payment
from storage.uow import UnitOfWork

#: How many months a payment may cover.
MAX_MONTHS = 36


def check_months(value: int | str, what: str = "months") -> int:
    """A number of months a payment covers, 1 to 36."""
    text = str(value).strip()
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_MONTHS:
        raise InvalidInput(
            f"{what}: '{text[:32]}' is not a number of months from 1 to {MAX_MONTHS}"
        )
    return int(text)


def to_usd_cents(amount: Decimal, currency: str, config: ProgrammeConfig) -> int:
    """``amount`` of ``currency`` in US cents, by the configured rate."""
    code = currency.strip().upper()
    rates = {"USD": 1.0, **config.finance.rates}
    if code not in rates:
        raise InvalidInput(
            f"no exchange rate for {code}: add it to creditbot.yml under finance.rates "
            f"(US dollars per {code}), e.g. `finance: {{rates: {{{code}: 1.08}}}}`"
        )
    return int((amount * Decimal(str(rates[code])) * 100).quantize(Decimal(1)))


def parse_amount(text: str) -> Decimal:
    """An amount of sane size, at least one cent (see :func:`scoring.bounds.parse_amount`)."""
    try:
        return bounded_amount(text.replace("_", ""))
    except OutOfRange as error:
        raise InvalidInput(f"the amount must be at least 0.01: {error}") from None


def parse_day(text: str, config: ProgrammeConfig, today: date | None = None) -> date:
    """A date or an ISO date-time (UTC without an offset), as a day of the programme;
    with ``today``, also from 2000-01-01 to tomorrow."""
    day = _parse_day(text, config)
    if today is not None:
        try:
            check_date(day, today)
        except OutOfRange as error:
            raise InvalidInput(str(error)) from None
    return day


def _parse_day(text: str, config: ProgrammeConfig) -> date:
    text = text.strip()
    try:
        if len(text) == 10:
            return date.fromisoformat(text)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"'{text}' is not a date (write it as YYYY-MM-DD)") from None
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    try:
        return moment.astimezone(config.tz).date()
    except OverflowError:  # 9999-12-31T20:00 is already year 10000 east of UTC
        raise InvalidInput(f"'{text}' is out of range") from None


def add_payment(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    slug: str,
    day: date,
    amount: Decimal,
    currency: str,
    now: datetime,
    *,
    source: str = "manual",
    ref: str | None = None,
    note: str = "",
    months: int = 1,
) -> Payment | None:
    """Record one payment covering ``months`` months from the month paid; None if its
    reference is already recorded."""
    known_organisation(uow, slug)
    months = check_months(months)
    code = currency.strip().upper()
    parts = [slug, day.isoformat(), str(amount), code, note] + (
        [] if months == 1 else [str(months)]
    )
    reference = ref or payment_ref(*parts)
    payment = Payment(
        organisation=slug,
        paid_on=day,
        amount_cents=int((amount * 100).quantize(Decimal(1))),
        currency=code,
        amount_usd_cents=to_usd_cents(amount, code, config),
        source=source,
        source_ref=reference,
        note=note,
        months=months,
    )
    return payment if uow.payments.add(payment, now) else None


def coverage(payment: Payment) -> str:
    """``" covers 2026-01"`` or ``" covers 2026-01 to 2026-12 ($100.00 a month)"``."""
    first = Month.of(payment.paid_on)
    if payment.months <= 1:
        return f" covers {first}"
    share = payment.amount_usd_cents / 100 / payment.months
    return f" covers {first} to {first.shift(payment.months - 1)} (${share:,.2f} a month)"


def payment_ref(*parts: str) -> str:
    """A payment's reference made of what identifies it, when its source gives none."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
