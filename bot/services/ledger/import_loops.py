"""The per-line loops of ``creditbot import``: a million lines pass through each.

:func:`json_lines` reads and validates JSON Lines with the checks of the usual line
(text fields, a ``...T12:00:00Z`` moment, a member, type and points seen before)
written out in one loop; any other line goes to the parser's general checks, which
name a bad line by its number. :func:`credit_rows` turns the validated lines into
the credit rows, and :func:`count_cells` adds each credit to its monthly figure (the
cell of its month, member and organisation), so a load whose every row is new writes
its figures without asking the database to sort the million rows
(``RollupRepository.add_cells``).

Each loop is one function on purpose (``json_lines`` is longer than this project's usual
60 lines): a function call per line would cost a million calls. (Just over 300 lines: the
loops and the types they take, the validated line and the attribution by day, together.)
"""

from __future__ import annotations

import gc
import json
from bisect import bisect_right
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, date, datetime, time, timedelta
from typing import Any, Protocol
from zoneinfo import ZoneInfo

import orjson

from bot.errors import InvalidInput
from scoring.attribution import resolve_organisation
from scoring.bounds import EARLIEST_DATE, MAX_NUMBER_DIGITS
from scoring.models import Affiliation
from scoring.months import Month, month_of, months_between
from storage.bulk import sqlite_text
from storage.repositories.credits import ROW_KEYS

#: The columns of a row when every line of the file is the usual one, and the values of
#: the others (written into the statement once instead of bound for every row).
SHORT_KEYS = (*ROW_KEYS[:6], "organisation", "created_at")
SHORT_CONSTANTS: dict[str, str | None] = {
    "explicit_organisation": None,
    "granted_by": "import",
    "note": "",
}
#: A validated line: (member as written, type, moment, its driver value, points, ref,
#: source, organisation, note). The member stays text until the end: a string's hash
#: is kept, an :class:`Identity`'s is computed at every look-up. The moment is None
#: when the driver value is SQLite's text of it (:func:`moment_of` makes it).
Line = tuple[str, str, datetime | None, Any, int, str, str, str | None, str]


class LineChecks(Protocol):
    """What :func:`json_lines` and ``import_columns.read_columns`` ask of the importer's
    line parser (``importing._LineParser``): the general checks, those of a member and
    of a type and points (once per distinct value), and what they have seen."""

    identities: dict[str, Any]  # each member as written -> their identity
    typed: dict[tuple[str, Any], tuple[str, int]]  # (type, points) as written -> checked
    latest: date  # the latest date a credit may have
    stored_text: bool  # a moment's driver value is SQLite's text

    def parse(self, number: int, record: dict[str, Any]) -> Line: ...

    def param(self, moment: datetime) -> Any: ...

    def identify(self, raw: str, number: int) -> Any: ...

    def checked(self, raw_type: Any, raw_points: Any) -> tuple[str, int]: ...


class Attribution:
    """Each member's organisation by day: a constant for most members, else a sorted
    list of the days their affiliations change and the organisation from each."""

    def __init__(self, affiliations: dict[int, list[Affiliation]], tz: ZoneInfo) -> None:
        self.tz = tz
        self.constant: dict[int, str | None] = {}
        self.periods: dict[int, tuple[list[int], list[str | None]]] = {}
        for member_id, held in affiliations.items():
            days = sorted({d for a in held for d in (a.start, a.end) if d is not None})
            firsts = [days[0] - timedelta(days=1), *days] if days else [EARLIEST_DATE]
            orgs = [resolve_organisation(None, held, day) for day in firsts]
            if len(set(orgs)) == 1:
                self.constant[member_id] = orgs[0]
            else:
                self.periods[member_id] = ([d.toordinal() for d in days], orgs)

    def on(self, member_id: int, moment: datetime) -> str | None:
        days, orgs = self.periods[member_id]
        return orgs[bisect_right(days, moment.astimezone(self.tz).toordinal())]


#: A monthly figure being counted: (month, member id, organisation or "") ->
#: [points, credits, the latest moment's driver value].
Cells = dict[tuple[str, int, str], list[Any]]


@contextmanager
def collector_paused() -> Iterator[None]:
    """Python's cycle collector off for the duration: a large import holds millions of
    tuples (no cycles among them), and each full collection would walk them all again
    (a third of the time of building the rows and the monthly figures of 1M credits)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def json_lines(path: Any, handle: Any, parser: LineChecks) -> list[Line]:
    """Every line of a JSON Lines file, validated (the first bad one raises).

    (Over 60 lines on purpose: this is the loop run once per line of a million-line file,
    so the usual line's checks are written inline; each function call added here costs
    about 0.1-0.2 s per million lines. Anything unusual goes to ``parser.parse``.)"""
    loads, decode_error = orjson.loads, orjson.JSONDecodeError
    fromiso, clock_of = datetime.fromisoformat, time.fromisoformat
    general, typed_of, known = parser.parse, parser.typed, parser.identities
    # each day and time of day as written: whether it is the canonical text (what is
    # stored, by slicing) and, for a day, in range; anything else is parsed in full
    days: dict[str, bool] = {}
    clocks: dict[str, bool] = {}
    earliest, latest = EARLIEST_DATE, parser.latest
    stored_text = parser.stored_text
    lines: list[Line] = []
    append = lines.append
    number = 0
    for raw in handle:
        number += 1
        try:
            record = loads(raw)
        except decode_error as error:
            text = raw.decode("utf-8")  # raises UnicodeDecodeError first, if it is that
            if not text.strip():
                continue
            record = _strict_json(path, number, text, error.msg)
        if type(record) is not dict:
            raise InvalidInput(f"{path}:{number}: expected a JSON object")
        get = record.get
        member, type_name, at, ref = get("member"), get("type"), get("at"), get("ref")
        points, source = get("points"), get("source")
        # the usual line: exactly these fields (points and source optional), all text
        # (points a whole number), a known member, type and points, the usual moment
        if not (
            type(at) is str
            and len(at) == 20
            and at[10] == "T"
            and at[19] == "Z"
            and type(type_name) is str
            and (type(points) is int or type(points) is str or points is None)
            and type(member) is str
            and member in known
            and type(ref) is str
            and (type(source) is str or source is None)
            and len(record) == 4 + (points is not None) + (source is not None)
            and "\x00" not in ref
            and (source is None or "\x00" not in source)
        ):
            append(general(number, record))
            continue
        typed = typed_of.get((type_name, points))
        ref = ref.strip()
        day, clock = at[:10], at[11:19]
        usual = days.get(day)
        if usual is None:
            try:
                parsed = date.fromisoformat(day)  # also reads "2026-W40-3": not this path's
                usual = parsed.isoformat() == day and earliest <= parsed <= latest
            except ValueError:
                usual = False
            days[day] = usual
        if usual:
            usual = clocks.get(clock)
            if usual is None:
                try:
                    usual = clock_of(clock).isoformat() == clock
                except ValueError:
                    usual = False
                clocks[clock] = usual
        if typed is None or not ref or not usual:
            append(general(number, record))
            continue
        # on SQLite the stored text, by slicing (the moment is made later if needed)
        moment = None if stored_text else fromiso(at)
        value = f"{day} {clock}.000000" if moment is None else parser.param(moment)
        append(
            (
                member,
                typed[0],
                moment,
                value,
                typed[1],
                ref,
                (source or "import").strip(),
                None,
                "",
            )
        )
    return lines


def _strict_json(path: Any, number: int, text: str, why: str) -> Any:
    """A line orjson refused, read again by the standard library, which keeps a number of
    thousands of digits as text (for the line's checks to name it): only such lines pay
    for the second reading; anything else is refused with orjson's reason."""
    try:
        record = json.loads(text, parse_int=_json_int)
        # the standard library also takes half a surrogate pair ("\\udc00"), which orjson
        # refuses and no database stores: refused here, by the line's number
        json.dumps(record, ensure_ascii=False).encode("utf-8")
    except (ValueError, RecursionError):  # UnicodeEncodeError is a ValueError
        raise InvalidInput(f"{path}:{number}: not valid JSON ({why})") from None
    return record


def _json_int(text: str) -> int | str:
    """A JSON integer; one too long to be a sane number stays text, for the line's checks
    to refuse by name (Python refuses to convert 4,300 digits or more at all)."""
    return int(text) if len(text) <= MAX_NUMBER_DIGITS else text


class MonthKeys:
    """The month (in the figures' timezone) of a credit's moment and driver value.

    On SQLite the driver value is the UTC text, and a month's start in the figures'
    timezone is a point in that text: a moment is placed by a bisection over the
    months' starts. A UTC day that lies wholly in one month (every day in UTC; all but
    the day a month starts on elsewhere) is remembered, so the caller looks the month up
    by the day's text (:attr:`by_day`, filled here).
    """

    def __init__(self, tz: ZoneInfo) -> None:
        self.tz = tz
        self.by_day: dict[str, str] = {}
        self._starts: list[str] = []
        self._names: list[str] = []
        self._span: tuple[Month, Month] | None = None

    def __call__(self, moment: datetime, value: Any) -> str:
        if type(value) is not str:
            return str(month_of(moment, self.tz))
        if not (self._starts and self._starts[0] <= value < self._starts[-1]):
            self._cover(month_of(moment, self.tz))
        starts, day = self._starts, value[:10]
        first = bisect_right(starts, f"{day} 00:00:00.000000")
        if 0 < first == bisect_right(starts, f"{day} 23:59:59.999999") < len(starts):
            self.by_day[day] = self._names[first - 1]  # the whole day: one month
        return self._names[bisect_right(starts, value) - 1]

    def _cover(self, month: Month) -> None:
        first, last = (month, month) if self._span is None else self._span
        first, last = min(first, month), max(last, month)
        self._span = (first, last)
        months = months_between(first, last.next())
        self._starts = [sqlite_text(m.bounds(self.tz)[0]) for m in months]
        self._names = [str(m) for m in months]


def credit_rows(
    lines: list[Line],
    member_of: dict[str, int],
    attribution: Attribution,
    created_at: Any,
    short: bool,
) -> list[tuple[Any, ...]]:
    """The credit rows: driver values in ``ROW_KEYS`` order, or when ``short`` in
    ``SHORT_KEYS`` order (every line usual: no explicit organisation and no note)."""
    varying = attribution.periods
    # each member as written: their id, whether their organisation varies, and if not which
    who = {
        raw: (member_id, member_id in varying, attribution.constant.get(member_id))
        for raw, member_id in member_of.items()
    }
    rows: list[tuple[Any, ...]] = []
    append = rows.append
    for member, type_name, at, value, points, ref, source, explicit, note in lines:
        member_id, varies, organisation = who[member]
        if explicit:
            organisation = explicit
        elif varies:
            organisation = attribution.on(member_id, at or moment_of(value))
        append(
            (member_id, type_name, points, value, source, ref, organisation, created_at)
            if short
            else (
                member_id,
                type_name,
                points,
                value,
                source,
                ref,
                explicit,
                organisation,
                "import",
                note,
                created_at,
            )
        )
    return rows


def count_cells(
    rows: list[tuple[Any, ...]], short: bool, month_key: MonthKeys
) -> tuple[dict[int, Any], Cells]:
    """Each member's earliest moment among ``rows`` (its driver value), and the monthly
    figures of the rows (of :func:`credit_rows`).

    Plain Python on rows no one changes any more: the importer runs it in a thread while
    the database builds the credit table's indexes (a statement during which SQLite
    leaves the interpreter to other threads), so on a machine with a second core it
    costs no time."""
    at_org = 6 if short else 7
    by_day = month_key.by_day
    first: dict[int, Any] = {}
    cells: Cells = {}
    for row in rows:
        member_id, points, value, organisation = row[0], row[2], row[3], row[at_org]
        seen = first.get(member_id)
        if seen is None or value < seen:
            first[member_id] = value
        month = by_day.get(value[:10]) if type(value) is str else None
        key = (month or month_key(moment_of(value), value), member_id, organisation or "")
        cell = cells.get(key)
        if cell is None:
            cells[key] = [points, 1, value]
        else:
            cell[0] += points
            cell[1] += 1
            if value > cell[2]:
                cell[2] = value
    # in the key's order: the figures' table is then written left to right (still beside
    # the index build, which takes longer)
    return first, dict(sorted(cells.items()))


def moment_of(value: Any) -> datetime:
    """A driver value from :func:`storage.bulk.moment_param` as an aware datetime."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    return datetime.fromisoformat(str(value)).replace(tzinfo=UTC)
