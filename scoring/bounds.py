"""The sane range of what people and files may tell the bot, defined once.

Every entry point (Slack, the forum's webhooks, the CLI, imports, public pages) checks
what it is given against these bounds before anything is stored or queried, so a
5,000-digit number, a date in year 1 or a payment of 1e30 is refused with one clear
message instead of overflowing somewhere deeper.

- Dates and moments: from :data:`EARLIEST_DATE` (2000-01-01) to the day after "today"
  (the caller's clock, passed in: this module never reads the time).
- Points of one credit: whole numbers from 1 to :data:`MAX_POINTS` (a community sets a
  lower maximum in its configuration).
- Money: amounts from :data:`MIN_AMOUNT` (one cent, after rounding to cents) to
  :data:`MAX_AMOUNT` in any currency, and at most :data:`MAX_NUMBER_DIGITS` characters of
  text before parsing.
- Months: ``YYYY-MM`` from January 2000 to the month of "tomorrow".
- Ids of records (members, credits, messages) and of forum posts and topics: positive
  whole numbers a database integer holds (at most :data:`MAX_DATABASE_INTEGER`); typed
  ones are ASCII digits, at most :data:`MAX_ID_DIGITS` of them.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation

from scoring.errors import OutOfRange
from scoring.months import Month

EARLIEST_DATE = date(2000, 1, 1)
EARLIEST_MONTH = Month(2000, 1)
#: The last month that has an end a date can hold (the first day of the month after).
LAST_MONTH = Month(9999, 11)
MAX_POINTS = 1000
MAX_AMOUNT = Decimal("1000000000")  # one billion in any currency
MIN_AMOUNT = CENT = Decimal("0.01")  # what is stored is a whole number of cents
MAX_DATABASE_INTEGER = 2**63 - 1  # a signed 64-bit integer (PostgreSQL BIGINT)
MAX_ID_DIGITS = 18  # every number of 18 digits fits MAX_DATABASE_INTEGER
MAX_NUMBER_DIGITS = 24  # characters of a number's text; far past any sane figure


def latest_date(today: date) -> date:
    """The last acceptable calendar day: tomorrow (a contribution may be dated in a
    timezone ahead of the programme's)."""
    return today + timedelta(days=1)


def check_date(value: date, today: date, *, what: str = "date") -> date:
    """``value`` when it lies from 2000-01-01 to tomorrow; else :class:`OutOfRange`."""
    latest = latest_date(today)
    if not EARLIEST_DATE <= value <= latest:
        raise OutOfRange(what, value.isoformat(), f"from {EARLIEST_DATE} to {latest}")
    return value


def check_moment(value: datetime, today: date, *, what: str = "time") -> datetime:
    """An aware or naive moment whose calendar day passes :func:`check_date`."""
    check_date(value.date(), today, what=what)
    return value


def check_month(value: Month, today: date, *, what: str = "month") -> Month:
    """A month from January 2000 to the month of tomorrow."""
    latest = Month.of(latest_date(today))
    if not EARLIEST_MONTH <= value <= latest:
        raise OutOfRange(what, str(value), f"from {EARLIEST_MONTH} to {latest}")
    return value


def check_month_ends(value: Month, *, what: str = "month") -> Month:
    """A month whose end is a date (a report, a job's period): up to :data:`LAST_MONTH`."""
    if value > LAST_MONTH:
        raise OutOfRange(what, str(value), f"from {EARLIEST_MONTH} to {LAST_MONTH}")
    return value


def parse_points(text: str, maximum: int = MAX_POINTS, *, what: str = "points") -> int:
    """A whole number of points from 1 to ``maximum``, parsed without ever building a
    huge integer from hostile text."""
    cleaned = text.strip()
    if len(cleaned) > MAX_NUMBER_DIGITS or not cleaned.isascii() or not cleaned.isdigit():
        raise OutOfRange(what, shown(cleaned), f"a whole number from 1 to {maximum}")
    points = int(cleaned)
    if not 1 <= points <= maximum:
        raise OutOfRange(what, cleaned, f"a whole number from 1 to {maximum}")
    return points


def parse_amount(text: str, *, what: str = "amount") -> Decimal:
    """An amount of money of sane size that is at least one cent once rounded to cents
    (as it is stored); the amount is returned as given."""
    cleaned = text.strip()
    if len(cleaned) > MAX_NUMBER_DIGITS or not cleaned.isascii():
        raise OutOfRange(what, shown(cleaned), f"a positive number up to {MAX_AMOUNT}")
    try:
        amount = Decimal(cleaned)
    except InvalidOperation:
        raise OutOfRange(what, shown(cleaned), "a number such as 120 or 99.50") from None
    if not amount.is_finite() or not Decimal(0) < amount <= MAX_AMOUNT:
        raise OutOfRange(what, shown(cleaned), f"a positive number up to {MAX_AMOUNT}")
    if amount.quantize(CENT) < MIN_AMOUNT:
        raise OutOfRange(what, shown(cleaned), f"at least {MIN_AMOUNT} (one cent)")
    return amount


def record_id(text: str) -> int | None:
    """The id typed as ``text`` (ASCII digits, at most 18, above 0), or None: "²", "-1"
    and 10**25 are no record's id."""
    cleaned = text.strip()
    if not (cleaned.isascii() and cleaned.isdigit() and len(cleaned) <= MAX_ID_DIGITS):
        return None
    number = int(cleaned)
    return number if number > 0 else None


def fits_database_integer(value: int, *, positive: bool = False) -> bool:
    """Whether ``value`` fits a signed 64-bit database integer (and is above 0 when
    ``positive``: the id of a record, a forum post or topic)."""
    lowest = 1 if positive else -MAX_DATABASE_INTEGER - 1
    return lowest <= value <= MAX_DATABASE_INTEGER


def shown(text: str) -> str:
    """A hostile value cut short enough to repeat in an error message."""
    return text if len(text) <= 32 else f"{text[:12]}…({len(text)} characters)"
