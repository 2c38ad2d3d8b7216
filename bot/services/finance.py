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
"""

from __future__ import annotations

import csv
import hashlib
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput, NotFound
from scoring.bounds import MAX_AMOUNT
from scoring.errors import OutOfRange
from scoring.models import Organisation
from storage.repositories.finance import Payment
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


@dataclass(frozen=True)
class FinanceImport:
    lines: int
    added: int
    already_known: int
    not_payments: int
    unmatched: tuple[str, ...]
    unmatched_lines: int


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
    try:
        value = Decimal(text.strip().replace("_", ""))
    except InvalidOperation:
        raise InvalidInput(f"'{text}' is not an amount (write it like 120.50)") from None
    if not value.is_finite() or value <= 0:
        raise InvalidInput(f"the amount must be above 0, not '{text}'")
    if value > MAX_AMOUNT:
        raise OutOfRange("amount", text.strip()[:32], f"a positive number up to {MAX_AMOUNT}")
    return value


def parse_day(text: str, config: ProgrammeConfig) -> date:
    """A date or an ISO date-time (UTC without an offset), as a day of the programme."""
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
) -> Payment | None:
    """Record one payment; None if its reference is already recorded."""
    if uow.organisations.get(slug) is None:
        raise NotFound(f"no organisation with slug '{slug}'")
    code = currency.strip().upper()
    reference = ref or _content_ref(slug, day.isoformat(), str(amount), code, note)
    payment = Payment(
        organisation=slug,
        paid_on=day,
        amount_cents=int((amount * 100).quantize(Decimal(1))),
        currency=code,
        amount_usd_cents=to_usd_cents(amount, code, config),
        source=source,
        source_ref=reference,
        note=note,
    )
    return payment if uow.payments.add(payment, now) else None


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
            day = parse_day(row.get(date_col or "") or "", config)
            amount = parse_amount(row.get(amount_col or "") or "")
            currency = (row.get(currency_col or "") or "").strip().upper()
            if not currency:
                raise InvalidInput("no currency")
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
            )
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error}") from None
        if made is None:
            known += 1
        else:
            added += 1
    return FinanceImport(lines, added, known, not_payments, tuple(unmatched), unmatched_lines)


def _content_ref(*parts: str) -> str:
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]
