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
adds nothing.

A payment covers the month it was made, or the ``months`` months from it (1 to 36, the
amount spread evenly): ``finance add --months N``, a ``months`` column, or, in an Open
Collective export, a ``frequency`` column whose YEARLY contributions cover 12 months.
Amounts and dates are checked against :mod:`scoring.bounds` (2000-01-01 to tomorrow).
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput, NotFound
from scoring.bounds import check_date
from scoring.bounds import parse_amount as bounded_amount
from scoring.errors import OutOfRange
from scoring.models import Organisation
from scoring.months import Month
from scoring.records import Payment
from storage.uow import UnitOfWork

_DATE_COLUMNS = ("date", "datetime", "effectivedate", "createdat", "paid_on")
_AMOUNT_COLUMNS = ("amount", "amountvalue", "netamount")
_CURRENCY_COLUMNS = ("currency", "amountcurrency")
_ORG_COLUMNS = (
    "organisation",
    "organization",
    "org",
    "oppositeaccountslug",
    "oppositeaccountname",
    "contributor",
)
_REF_COLUMNS = ("id", "legacyid", "shortid", "ref")
_COUNTED_KINDS = {"CONTRIBUTION", "ADDED_FUNDS"}


#: How many months a payment may cover.
MAX_MONTHS = 36
_FREQUENCY_MONTHS = {"YEARLY": 12, "ANNUALLY": 12, "YEAR": 12}


@dataclass(frozen=True)
class FinanceImport:
    lines: int
    added: int
    already_known: int
    not_payments: int
    unmatched: tuple[str, ...]
    unmatched_lines: int
    notes: tuple[str, ...] = ()


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
    if uow.organisations.get(slug) is None:
        raise NotFound(f"no organisation with slug '{slug}'")
    months = check_months(months)
    code = currency.strip().upper()
    parts = [slug, day.isoformat(), str(amount), code, note] + (
        [] if months == 1 else [str(months)]
    )
    reference = ref or _content_ref(*parts)
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


def match_organisation(
    contributor: str, organisations: list[Organisation], config: ProgrammeConfig
) -> str | None:
    """The organisation a contributor at the payment source is: alias, slug, then name."""
    wanted = contributor.strip().lower()
    if not wanted:
        return None
    for alias, slug in config.finance.aliases.items():
        if alias.strip().lower() == wanted:
            return slug
    for org in organisations:
        if org.slug.lower() == wanted:
            return org.slug
    for org in organisations:
        if org.name.strip().lower() == wanted:
            return org.slug
    return None


def import_payments(
    uow: UnitOfWork, config: ProgrammeConfig, path: Path, now: datetime
) -> FinanceImport:
    """Import a CSV of payments (an Open Collective export or a plain one); the caller
    commits. A bad line raises :class:`InvalidInput` naming it."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot be read ({error.__class__.__name__})") from None
    reader = csv.DictReader(text.splitlines())
    header = {(name or "").strip().lower(): name for name in (reader.fieldnames or [])}

    def column(options: tuple[str, ...], required: str | None = None) -> str | None:
        found = next((header[o] for o in options if o in header), None)
        if found is None and required:
            raise InvalidInput(
                f"{path}: no {required} column (expected one of: {', '.join(options)})"
            )
        return found

    date_col = column(_DATE_COLUMNS, "date")
    amount_col = column(_AMOUNT_COLUMNS, "amount")
    currency_col = column(_CURRENCY_COLUMNS, "currency")
    org_cols = [header[o] for o in _ORG_COLUMNS if o in header]
    if not org_cols:
        raise InvalidInput(
            f"{path}: no contributor column (expected one of: {', '.join(_ORG_COLUMNS)})"
        )
    # The contributor as people know it: a name rather than a slug.
    shown_cols = sorted(org_cols, key=lambda c: c.strip().lower() == "oppositeaccountslug")
    ref_col = column(_REF_COLUMNS)
    type_col, kind_col = header.get("type"), header.get("kind")
    months_col, frequency_col = header.get("months"), header.get("frequency")
    notes: tuple[str, ...] = ()
    if "oppositeaccountslug" in header and frequency_col is None and months_col is None:
        notes = (
            "this Open Collective export has no frequency column, so yearly contributions "
            "cannot be told apart: each payment counts for its own month",
        )
    refund_cols = [header[c] for c in ("isrefund", "isrefunded") if c in header]
    organisations = uow.organisations.all()
    seen: Counter[str] = Counter()
    lines = added = known = not_payments = unmatched_lines = 0
    unmatched: dict[str, None] = {}
    for number, row in enumerate(reader, start=2):
        first_cell = str(next(iter(row.values()), "") or "")
        if first_cell.startswith("Warning: totalCount"):
            # Open Collective appends this line when the export hit its row limit.
            raise InvalidInput(
                f"{path}, line {number}: the export is incomplete ({first_cell.strip()}); "
                "export again with a higher limit (or fetchAll) so that no payment is missed"
            )
        lines += 1
        if type_col and (row.get(type_col) or "").strip().upper() == "DEBIT":
            not_payments += 1
            continue
        kind = (row.get(kind_col) or "").strip().upper() if kind_col else ""
        if kind and kind not in _COUNTED_KINDS:
            not_payments += 1
            continue
        if any((row.get(c) or "").strip() for c in refund_cols):
            not_payments += 1
            continue
        where = f"{path}, line {number}"
        try:
            day = parse_day(row.get(date_col or "") or "", config, now.date())
            amount = parse_amount(row.get(amount_col or "") or "")
            currency = (row.get(currency_col or "") or "").strip().upper()
            if not currency:
                raise InvalidInput("no currency")
            months = _row_months(row, months_col, frequency_col)
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error}") from None
        contributor = next(((row.get(c) or "").strip() for c in shown_cols if row.get(c)), "")
        slug = next(
            (
                s
                for s in (
                    match_organisation(row.get(c) or "", organisations, config) for c in org_cols
                )
                if s
            ),
            None,
        )
        if slug is None:
            unmatched_lines += 1
            unmatched.setdefault(contributor or "(no contributor)", None)
            continue
        ref = (row.get(ref_col) or "").strip() if ref_col else ""
        if not ref:
            content = _content_ref(day.isoformat(), str(amount), currency, contributor)
            seen[content] += 1
            ref = f"{content}:{seen[content]}"
        try:
            made = add_payment(
                uow,
                config,
                slug,
                day,
                amount,
                currency,
                now,
                source="opencollective" if ref_col else "csv",
                ref=ref,
                note=contributor,
                months=months,
            )
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error}") from None
        if made is None:
            known += 1
        else:
            added += 1
    return FinanceImport(
        lines, added, known, not_payments, tuple(unmatched), unmatched_lines, notes
    )


def _row_months(
    row: dict[str, str | None], months_col: str | None, frequency_col: str | None
) -> int:
    """The months a line's payment covers: its ``months`` column, else 12 for a yearly
    contribution (Open Collective's ``frequency``), else 1."""
    given = (row.get(months_col) or "").strip() if months_col else ""
    if given:
        return check_months(given, "months")
    frequency = (row.get(frequency_col) or "").strip().upper() if frequency_col else ""
    return _FREQUENCY_MONTHS.get(frequency, 1)


def _content_ref(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
