"""Importing payments from a CSV file: an Open Collective transactions export or a
plain one (see :mod:`bot.services.partners.finance` for what counts and how a payment is
recorded). The whole file is checked line by line in the caller's unit of work; a bad
line raises :class:`InvalidInput` naming it, so nothing of the file is stored."""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from pathlib import Path

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.services.partners.finance import (
    add_payment,
    check_months,
    parse_amount,
    parse_day,
    payment_ref,
)
from scoring.models import Organisation
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

_FREQUENCY_MONTHS = {"YEARLY": 12, "ANNUALLY": 12, "YEAR": 12}
# A refund column's cell; Open Collective's export writes REFUND / REFUNDED or nothing.
_YES = frozenset({"true", "yes", "1", "refund", "refunded"})
_NO = frozenset({"false", "no", "0", ""})


@dataclass(frozen=True)
class FinanceImport:
    lines: int
    added: int
    already_known: int
    not_payments: int
    unmatched: tuple[str, ...]
    unmatched_lines: int
    notes: tuple[str, ...] = ()


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
    reader = _read_csv(path)
    cols = _columns(path, reader.fieldnames or [])
    organisations = uow.organisations.all()
    seen: Counter[str] = Counter()
    lines = added = known = not_payments = unmatched_lines = 0
    unmatched: dict[str, None] = {}
    for number, row in enumerate(reader, start=2):
        _check_complete(path, number, row)
        lines += 1
        where = f"{path}, line {number}"
        if _not_a_payment(row, cols, where):
            not_payments += 1
            continue
        try:
            day, amount, currency, months = _row_values(row, cols, config, now)
        except InvalidInput as error:
            raise InvalidInput(f"{where}: {error}") from None
        contributor = next(((row.get(c) or "").strip() for c in cols.shown if row.get(c)), "")
        slug = _row_organisation(row, cols, organisations, config)
        if slug is None:
            unmatched_lines += 1
            unmatched.setdefault(contributor or "(no contributor)", None)
            continue
        ref = (row.get(cols.ref) or "").strip() if cols.ref else ""
        if not ref:
            content = payment_ref(day.isoformat(), str(amount), currency, contributor)
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
                source="opencollective" if cols.ref else "csv",
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
        lines, added, known, not_payments, tuple(unmatched), unmatched_lines, cols.notes
    )


def _row_organisation(
    row: dict[str, str | None],
    cols: _Columns,
    organisations: list[Organisation],
    config: ProgrammeConfig,
) -> str | None:
    """The slug of the first contributor column that names a known organisation."""
    for column in cols.org:
        slug = match_organisation(row.get(column) or "", organisations, config)
        if slug:
            return slug
    return None


def _read_csv(path: Path) -> csv.DictReader[str]:
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise InvalidInput(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as error:
        raise InvalidInput(f"{path}: cannot be read ({error.__class__.__name__})") from None
    return csv.DictReader(text.splitlines())


@dataclass(frozen=True)
class _Columns:
    """The columns of a payments file that the import reads (by their name in the file)."""

    date: str
    amount: str
    currency: str
    org: tuple[str, ...]
    shown: tuple[str, ...]
    """The contributor as people know it: a name rather than a slug, first."""
    ref: str | None
    type: str | None
    kind: str | None
    months: str | None
    frequency: str | None
    refund: tuple[str, ...]
    notes: tuple[str, ...]


def _columns(path: Path, fieldnames: Sequence[str]) -> _Columns:
    header = {(name or "").strip().lower(): name for name in fieldnames}

    def required(options: tuple[str, ...], what: str) -> str:
        found = next((header[o] for o in options if o in header), None)
        if found is None:
            raise InvalidInput(f"{path}: no {what} column (expected one of: {', '.join(options)})")
        return found

    date, amount, currency = (
        required(_DATE_COLUMNS, "date"),
        required(_AMOUNT_COLUMNS, "amount"),
        required(_CURRENCY_COLUMNS, "currency"),
    )
    org = tuple(header[o] for o in _ORG_COLUMNS if o in header)
    if not org:
        raise InvalidInput(
            f"{path}: no contributor column (expected one of: {', '.join(_ORG_COLUMNS)})"
        )
    months, frequency = header.get("months"), header.get("frequency")
    notes: tuple[str, ...] = ()
    if "oppositeaccountslug" in header and frequency is None and months is None:
        notes = (
            "this Open Collective export has no frequency column, so yearly contributions "
            "cannot be told apart: each payment counts for its own month",
        )
    return _Columns(
        date=date,
        amount=amount,
        currency=currency,
        org=org,
        shown=tuple(sorted(org, key=lambda c: c.strip().lower() == "oppositeaccountslug")),
        ref=next((header[o] for o in _REF_COLUMNS if o in header), None),
        type=header.get("type"),
        kind=header.get("kind"),
        months=months,
        frequency=frequency,
        refund=tuple(header[c] for c in ("isrefund", "isrefunded") if c in header),
        notes=notes,
    )


def _check_complete(path: Path, number: int, row: dict[str, str | None]) -> None:
    first_cell = str(next(iter(row.values()), "") or "")
    if first_cell.startswith("Warning: totalCount"):
        # Open Collective appends this line when the export hit its row limit.
        raise InvalidInput(
            f"{path}, line {number}: the export is incomplete ({first_cell.strip()}); "
            "export again with a higher limit (or fetchAll) so that no payment is missed"
        )


def _not_a_payment(row: dict[str, str | None], cols: _Columns, where: str) -> bool:
    """A debit, a kind of transaction that is not a contribution, or a refund."""
    # every refund flag is read, so a line that says neither yes nor no refuses the file
    refund = [_flag(row.get(column), column, where) for column in cols.refund]
    if any(refund):
        return True
    if cols.type and (row.get(cols.type) or "").strip().upper() == "DEBIT":
        return True
    kind = (row.get(cols.kind) or "").strip().upper() if cols.kind else ""
    return bool(kind) and kind not in _COUNTED_KINDS


def _flag(text: str | None, column: str, where: str) -> bool:
    """A yes-or-no cell: true/false, yes/no, 1/0 (any case), empty for no, and Open
    Collective's own ``REFUND`` / ``REFUNDED`` for yes; anything else refuses the file."""
    value = (text or "").strip().lower()
    if value in _YES:
        return True
    if value in _NO:
        return False
    given = (text or "").strip()
    shown = given if len(given) <= 40 else given[:39] + "…"
    raise InvalidInput(
        f"{where}: {column} is '{shown}', expected true or false (yes/no, 1/0, or empty)"
    )


def _row_values(
    row: dict[str, str | None], cols: _Columns, config: ProgrammeConfig, now: datetime
) -> tuple[date, Decimal, str, int]:
    """The line's day, amount, currency and months covered, checked."""
    day = parse_day(row.get(cols.date) or "", config, now.date())
    amount = parse_amount(row.get(cols.amount) or "")
    currency = (row.get(cols.currency) or "").strip().upper()
    if not currency:
        raise InvalidInput("no currency")
    return day, amount, currency, _row_months(row, cols.months, cols.frequency)


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
