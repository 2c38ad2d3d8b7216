"""``creditbot import FILE``: credits from outside chat, in bulk (JSON Lines or CSV).

(Over 300 lines: one file format's import, from reading a line to the transaction that
stores the file, reads best in one place.)

Every line is validated first (a bad line is reported with its number and nothing is
stored), then the credits are written inside one transaction, so a file is imported
entirely or not at all. Re-importing a file adds nothing: a line's ``ref`` (or, without
one, a digest of its content) is the credit's unique source reference.

A million lines must cost little more than the database's own insert
(``bench/bench_import.py``), so little work is done per line in Python: a JSON Lines
file whose every line is the usual one is decoded by msgspec and checked column by
column (``import_columns``); any other file is parsed by orjson and checked in one loop
(``import_loops``), which also names the first bad line. Either way what repeats
(members, types and points) is validated once per distinct value, members are resolved
and organisations attributed per member (a constant, or a bisection over the member's
affiliation periods), and the monthly figures are counted beside the index build and
added to the stored ones when every line was new (else the months touched are rebuilt
once, in SQL). The transaction skips SQLite's foreign-key look-up per row: every row
names a member read or made in it.
Module over 300 lines: the line checks and the load are one pipeline.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from operator import itemgetter
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bot.errors import InvalidInput, NotFound
from bot.runtime import Runtime
from bot.services.ledger.credits import check_credit, content_ref
from bot.services.ledger.import_columns import Columns, read_columns
from bot.services.ledger.import_loops import (
    SHORT_CONSTANTS,
    SHORT_KEYS,
    Attribution,
    Line,
    MonthKeys,
    collector_paused,
    count_cells,
    credit_rows,
    json_lines,
    moment_of,
)
from bot.services.ledger.members import check_email, ensure_member
from scoring.bounds import (
    EARLIEST_DATE,
    MAX_POINTS,
    check_moment,
    latest_date,
    parse_points,
)
from scoring.errors import OutOfRange
from scoring.models import Identity, IdentityKind
from storage.bulk import bulk_load, moment_param, sqlite_text
from storage.repositories.credits import ROW_KEYS
from storage.repositories.members import guess_identity
from storage.tables import CreditRow, table

FIELDS = ("member", "type", "at", "points", "ref", "source", "organisation", "note")
_CHUNK = 100_000  # rows per executemany: the statement is compiled once per chunk


_FIELD_SET = frozenset(FIELDS)
_BY_KEY = itemgetter(4, 5)  # (source, source_ref): the unique key
_BY_REF = itemgetter(5)
_AT = table(CreditRow).c.occurred_at


@dataclass(frozen=True)
class ImportResult:
    lines: int
    added: int
    already_known: int
    members_created: int


def parse_moment(text: str) -> datetime:
    """ISO-8601 date or date-time; UTC when no offset is given."""
    text = text.strip()
    try:
        if len(text) == 10:
            return datetime.combine(date.fromisoformat(text), time(), tzinfo=UTC)
        moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        raise InvalidInput(f"'{text}' is not an ISO-8601 date or date-time") from None
    moment = moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment
    # years 1 and 9999 would overflow when converted to another timezone
    if not 1 < moment.year < 9999:
        raise InvalidInput(f"'{text}' is out of range (years 2 to 9998)")
    return moment


def _read(runtime: Runtime, path: Path) -> tuple[_LineParser, list[Line] | Columns]:
    """Every line of the file, validated (the first bad one raises), and the parser
    that checked them: a JSON Lines file of usual lines as columns, else line by line."""
    suffix = path.suffix.lower()
    if suffix not in (".jsonl", ".csv"):
        raise InvalidInput(f"{path}: expected a .jsonl or .csv file")
    parser = _LineParser(runtime, path)
    try:
        if suffix == ".jsonl":
            buffer = _contents(path)
            columns = read_columns(buffer, parser)
            if columns is not None:
                return parser, columns
            parser = _LineParser(runtime, path)  # nothing the columns' checks saw
            return parser, json_lines(path, io.BytesIO(buffer), parser)
        try:
            handle = path.open(encoding="utf-8-sig", newline="")
        except OSError as error:
            raise InvalidInput(f"{path}: cannot be read ({error.strerror})") from None
        with handle:
            parse = parser.parse
            return parser, [parse(number, record) for number, record in _csv_rows(path, handle)]
    except UnicodeDecodeError:
        raise InvalidInput(f"{path}: not UTF-8 text") from None
    except csv.Error as error:  # e.g. a field larger than the csv module's limit
        raise InvalidInput(f"{path}: not a CSV file creditbot can read ({error})") from None


def _contents(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror})") from None


def _csv_rows(path: Path, handle: Any) -> Iterator[tuple[int, dict[str, Any]]]:
    reader = csv.DictReader(handle)
    if reader.fieldnames is None:
        raise InvalidInput(f"{path}: empty file; expected a header row")
    missing = {"member", "type", "at"} - {f.strip() for f in reader.fieldnames}
    if missing:
        raise InvalidInput(f"{path}:1: the header lacks {', '.join(sorted(missing))}")
    for record in reader:
        cleaned = {
            (k or "").strip(): (v.strip() if isinstance(v, str) else v) for k, v in record.items()
        }
        yield reader.line_num, {k: v for k, v in cleaned.items() if v not in ("", None)}


class _LineParser:
    """Validates lines into tuples; what repeats across a large file (members, types
    and points, moments) is checked once per distinct value."""

    def __init__(self, runtime: Runtime, path: Path) -> None:
        self._config = runtime.config
        self._today = runtime.now().date()
        self._path = path
        self._latest = latest_date(runtime.now().astimezone(runtime.config.tz).date())
        #: Each member as written in the file, and who that is.
        self.identities: dict[str, Identity] = {}
        self._points: dict[tuple[str, Any], tuple[str, int]] = {}
        self._moments: dict[str, tuple[datetime, Any]] = {}
        self._param = moment_param(runtime.engine.dialect, _AT)
        #: The first line naming each member and each explicit organisation.
        self.member_lines: dict[Identity, int] = {}
        self.organisation_lines: dict[str, int] = {}
        #: For the loop of :func:`json_lines`: (type, points) as written -> checked,
        #: the latest date allowed, whether a moment's driver value is SQLite's text.
        self.typed = self._points
        self.latest = self._latest
        self.stored_text = self._param is sqlite_text

    def param(self, moment: datetime) -> Any:
        """The database driver's value of a moment."""
        return self._param(moment)

    def _fail(self, number: int, message: str) -> InvalidInput:
        return InvalidInput(f"{self._path}:{number}: {message}")

    def parse(self, number: int, record: dict[str, Any]) -> Line:
        """The line as a tuple; the common shape (text fields, whole points, a ref) is
        checked here, anything else by :meth:`_parse_any`."""
        get = record.get
        member, type_name, at, ref = get("member"), get("type"), get("at"), get("ref")
        points, source = get("points"), get("source")
        note, organisation = get("note"), get("organisation")
        if not (
            type(member) is str
            and type(type_name) is str
            and type(at) is str
            and type(ref) is str
            and ref.strip()
            and (type(source) is str or source is None)
            and (type(points) in (int, str) or points is None)
            and note is None
            and organisation is None
            and record.keys() <= _FIELD_SET
            and "\x00" not in member + type_name + at + ref + (source or "")
        ):
            return self._parse_any(number, record)
        typed = self._points.get((type_name, points))
        identity = self.identities.get(member)
        moment = self._moments.get(at)
        if moment is None and typed is not None and identity is not None:
            try:
                moment = self._moment(at)
            except (InvalidInput, OutOfRange):
                moment = None  # named by the general checks, in their order
        if typed is None or moment is None or identity is None:
            return self._parse_any(number, record)
        return (
            member,
            typed[0],
            moment[0],
            moment[1],
            typed[1],
            ref.strip(),
            (source or "import").strip(),
            None,
            "",
        )

    def _parse_any(self, number: int, record: dict[str, Any]) -> Line:
        for field, value in record.items():
            if isinstance(value, str) and "\x00" in value:  # no database stores it as text
                raise self._fail(number, f"'{field}' contains a NUL character (\\x00)")
        for required in ("member", "type", "at"):
            if not str(record.get(required) or "").strip():
                raise self._fail(number, f"'{required}' is missing")
        raw_points = record.get("points")
        try:
            at, value_at = self._moment(str(record["at"]))
            type_name, value = self.checked(record["type"], raw_points)
        except (InvalidInput, OutOfRange) as error:
            raise self._fail(number, str(error)) from None
        organisation = str(record.get("organisation") or "").strip() or None
        if organisation is not None:
            self.organisation_lines.setdefault(organisation, number)
        source = str(record.get("source") or "import").strip()
        note = str(record.get("note") or "")
        written = str(record["member"])
        member = self.identify(written, number)
        ref = str(record.get("ref") or "").strip() or "content:" + content_ref(
            member.kind, member.value, type_name, at.isoformat(), value, organisation, note
        )
        return (written, type_name, at, value_at, value, ref, source, organisation, note)

    def _moment(self, text: str) -> tuple[datetime, Any]:
        """The moment and its driver value; the usual shape (``...T12:00:00Z``) is
        parsed directly, with the same result as :func:`parse_moment`."""
        known = self._moments.get(text)
        if known is None:
            usual = len(text) == 20 and text[-1] == "Z" and text[10] == "T"
            try:
                moment = datetime.fromisoformat(text) if usual else parse_moment(text)
            except ValueError:
                moment = parse_moment(text)  # raises with the usual message
            if not EARLIEST_DATE <= moment.date() <= self._latest:
                check_moment(moment, self._latest - timedelta(days=1), what="'at'")
            # (once per distinct text: "2026-W40-3T12:00:00Z" has the usual length too)
            known = self._moments[text] = (moment, self._param(moment))
        return known

    def checked(self, raw_type: Any, raw_points: Any) -> tuple[str, int]:
        """A type and points as written, checked (once per distinct pair)."""
        # bool and float equal ints as keys (True == 1): only ints and text are kept
        cacheable = type(raw_type) is str and type(raw_points) in (int, str, type(None))
        typed = self._points.get((raw_type, raw_points)) if cacheable else None
        if typed is None:
            type_name = str(raw_type).strip()
            typed = (type_name, check_credit(self._config, type_name, _points(raw_points)))
            if cacheable:
                self._points[(raw_type, raw_points)] = typed
        return typed

    def identify(self, raw: str, number: int) -> Identity:
        """Who a member as written is; the first line naming each is kept."""
        identity = self.identities.get(raw)
        if identity is None:
            identity = self.identities[raw] = guess_identity(raw)
            self.member_lines.setdefault(identity, number)
        return identity


def _points(raw: Any) -> int | None:
    if raw in (None, ""):
        return None
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = str(raw).strip()
    if isinstance(raw, bool) or not text.lstrip("-").isdecimal():
        raise InvalidInput(f"points must be a whole number, not '{text[:32]}'")
    return parse_points(text, MAX_POINTS)


def import_credits(runtime: Runtime, path: str | Path) -> ImportResult:
    """Validate the whole file, then store it in one transaction (all or nothing)."""
    with collector_paused():
        return _import(runtime, Path(path))


def _import(runtime: Runtime, path: Path) -> ImportResult:
    parser, lines = _read(runtime, path)
    now = runtime.now()
    # the rows name members read or made in this transaction: no per-row look-up
    with runtime.uow(references_checked=True) as uow:
        known_orgs = set(uow.organisations.names())
        for slug, number in sorted(parser.organisation_lines.items(), key=itemgetter(1)):
            if slug not in known_orgs:
                raise InvalidInput(f"{path}:{number}: no organisation with slug '{slug}'")
        member_ids, created = _member_ids(uow, runtime, path, parser.member_lines, now)
        ids = sorted(set(member_ids.values()))
        attribution = Attribution(uow.members.affiliations_of(ids), runtime.config.tz)
        member_of = {raw: member_ids[who] for raw, who in parser.identities.items()}
        figures_tz = uow.rollups.timezone()
        months = MonthKeys(ZoneInfo(figures_tz or "UTC"))
        if isinstance(lines, Columns):
            short, rows = True, lines.rows(member_of, attribution, parser.param(now))
            one_source = lines.one_source
        else:
            short = all(line[7] is None and not line[8] for line in lines)
            rows = credit_rows(lines, member_of, attribution, parser.param(now), short)
            one_source = len({row[4] for row in rows}) == 1
        # In the unique key's order (stable: of two lines with one reference, the first
        # in the file still wins), so the key's B-tree is walked once, left to right.
        # (By the reference alone when the file has one source: no key tuples to build.)
        rows.sort(key=_BY_REF if one_source else _BY_KEY)
        added = 0
        keys = (SHORT_KEYS, SHORT_CONSTANTS) if short else (ROW_KEYS, None)
        with ThreadPoolExecutor(1, thread_name_prefix="import") as background:
            with bulk_load(uow.session, table(CreditRow), len(rows)):
                for start in range(0, len(rows), _CHUNK):
                    chunk = rows[start : start + _CHUNK]
                    added += uow.credits.add_rows(chunk, *keys)
                # counted while the database builds the indexes
                counted = background.submit(count_cells, rows, short, months)
                if added and added < len(rows):
                    # some lines were known: the months the file touched, once, in SQL
                    # (before a large load's indexes are rebuilt: one scan of the table,
                    # not a million look-ups through the date index)
                    first_seen = counted.result()[0]
                    latest = max(rows, key=itemgetter(3))[3]
                    earliest = min(first_seen.values())
                    uow.rollups.rebuild_moments([moment_of(earliest), moment_of(latest)])
            first_seen, cells = counted.result()
            if added and added == len(rows) and figures_tz is not None:
                # every line is a new credit: the figures counted with the rows are the change
                uow.rollups.add_cells(cells)
            uow.members.seen_many(first_seen)  # driver values, as the rows hold them
            total = len(rows)
            # freed while the database commits
            background.submit(lines.clear)
            background.submit(rows.clear)
            background.submit(cells.clear)
            uow.commit()
    return ImportResult(total, added, total - added, created)


def _member_ids(
    uow: Any, runtime: Runtime, path: Path, first_lines: dict[Identity, int], now: datetime
) -> tuple[dict[Identity, int], int]:
    """The member id of every identity the file names (unknown e-mail addresses create
    members); the number created. Bots and other unknown identities are refused."""
    member_ids = uow.members.ids_for(first_lines)
    created = 0
    for identity, number in sorted(first_lines.items(), key=itemgetter(1)):
        if identity in member_ids:
            continue
        if identity.kind != IdentityKind.EMAIL:
            raise NotFound(
                f"{path}:{number}: no member known as {identity.kind} "
                f"'{identity.value}' (an unknown e-mail address creates the member)"
            )
        check_email(identity.value, f"{path}:{number}: ")
        found, _ = ensure_member(uow, runtime.config, [identity], identity.value.split("@")[0], now)
        member_ids[identity] = found.id
        created += 1
    bots = uow.members.bots_among(sorted(set(member_ids.values())))
    for identity, number in sorted(first_lines.items(), key=itemgetter(1)):
        if member_ids[identity] in bots:
            raise InvalidInput(f"{path}:{number}: {identity.value} is a bot")
    return member_ids, created
