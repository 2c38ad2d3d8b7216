"""The usual JSON Lines file, read column by column: ``creditbot import``'s fast path.

A file whose every line is the usual one (an object with text ``member``, ``type``,
``at`` written ``2026-10-02T12:00:00Z`` and ``ref``, optionally whole ``points`` and a
text ``source``, and nothing else) is decoded by msgspec into typed records, and each
check then runs once per column, as one C-level pass over a million values (the
moments' shape, the references), or once per distinct value (members, days, types
and points), instead of once per line in Python.

This path never reports an error: any line that is not the usual one, and any check
that fails, gives None, and the caller reads the file line by line
(:func:`bot.services.ledger.import_loops.json_lines`), which also takes the unusual
lines and names the first bad one by its number. What it accepts it stores exactly as
the line-by-line path would (``tests/unit/services/test_import_columns.py`` holds the
two equal). It runs where a moment is stored as SQLite's text; elsewhere the
line-by-line path does the work.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from itertools import compress, count, repeat
from operator import attrgetter, itemgetter
from typing import Any

import msgspec

from bot.errors import CreditbotError
from bot.services.ledger.import_loops import Attribution, LineChecks, moment_of
from scoring.bounds import EARLIEST_DATE
from scoring.errors import ScoringError


class UsualLine(msgspec.Struct, forbid_unknown_fields=True, gc=False):
    """One usual line; a line of any other shape fails to decode."""

    member: str
    type: str
    at: str
    ref: str
    points: int | str | None = None
    source: str | None = None


_DECODE_LINES = msgspec.json.Decoder(UsualLine).decode_lines
#: Where a record would end and another begin on one line (only JSON's blanks between
#: them; a text field holding "} {" matches too, and leaves the file to the lines).
_TWO_ON_A_LINE = re.compile(rb"\}[ \t\r]*\{")
_NOT_DECODED = (msgspec.DecodeError, msgspec.ValidationError)
_MEMBER, _TYPE, _AT = attrgetter("member"), attrgetter("type"), attrgetter("at")
_REF, _POINTS, _SOURCE = attrgetter("ref"), attrgetter("points"), attrgetter("source")
#: Every moment, its digits made 0, must read this (a Unicode digit stays itself).
_SHAPE = "0000-00-00T00:00:00Z\n"
_ZEROED = str.maketrans("123456789", "000000000")
#: The date and hour of a moment in that shape.
_HOUR = itemgetter(slice(0, 13))
#: JSON's only way to write a NUL character (which no database stores in text).
_NUL = b"\\u0000"


@dataclass
class Columns:
    """The file's lines as columns: each member as written, the checked (type, points),
    the moment's stored text, the reference and the source."""

    members: list[str]
    typed: list[tuple[str, int]]
    values: list[str]
    refs: list[str]
    sources: list[str]
    one_source: bool  # every line has the same
    spent: list[list[Any]]  # what they were read from

    def clear(self) -> None:
        """Frees the columns (the importer does it while the database works)."""
        for column in (self.members, self.typed, self.values, self.refs, self.sources):
            column.clear()
        for spent in self.spent:
            spent.clear()

    def rows(
        self, member_of: dict[str, int], attribution: Attribution, created_at: Any
    ) -> list[tuple[Any, ...]]:
        """The credit rows in ``import_loops.SHORT_KEYS`` order (as ``credit_rows``)."""
        members = self.members
        ids = list(map(member_of.__getitem__, members))
        constant = attribution.constant
        organisations: Any = map(
            {raw: constant.get(m) for raw, m in member_of.items()}.__getitem__, members
        )
        varying = {raw for raw, m in member_of.items() if m in attribution.periods}
        if varying:  # only their lines, picked out in C
            organisations, values = list(organisations), self.values
            for i in compress(count(), map(varying.__contains__, members)):
                organisations[i] = attribution.on(ids[i], moment_of(values[i]))
        typed = self.typed
        return list(
            zip(
                ids,
                map(itemgetter(0), typed),
                map(itemgetter(1), typed),
                self.values,
                self.sources,
                self.refs,
                organisations,
                repeat(created_at),
            )
        )


def read_columns(buffer: bytes, parser: LineChecks) -> Columns | None:
    """The file's lines as :class:`Columns`, or None when any line is not the usual one
    or fails a check (the caller then reads it line by line, naming the bad line)."""
    if not parser.stored_text or _NUL in buffer:
        return None
    # the file's last newline ends its last line
    lines = buffer.count(b"\n") + (not buffer.endswith(b"\n"))
    if not buffer or _TWO_ON_A_LINE.search(buffer):
        return None
    try:
        records = _DECODE_LINES(buffer)
    except _NOT_DECODED:
        return None
    # No two records share a line (above), so as many records as lines means one on
    # each: no blank line, and each line alone is a record, as the line-by-line read
    # needs; its index is then its line's number less one.
    if len(records) != lines:
        return None
    values = _stored_moments(list(map(_AT, records)), parser.latest)
    refs = list(map(str.strip, map(_REF, records)))
    if values is None or not all(refs):
        return None
    members = list(map(_MEMBER, records))
    try:
        typed = _checked_types(records, parser)
        for raw, number in _first_lines(members).items():
            if not raw.strip():
                return None  # "'member' is missing", said by the line-by-line path
            parser.identify(raw, number)
    except (CreditbotError, ScoringError):
        return None
    sources = list(map(_SOURCE, records))
    distinct = {s: (s or "import").strip() for s in set(sources)}
    one_source = len(set(distinct.values())) == 1
    if one_source:
        sources = [*distinct.values()][:1] * len(sources)
    else:
        sources = list(map(distinct.__getitem__, sources))
    # the records are freed with the columns, while the database works
    return Columns(members, typed, values, refs, sources, one_source, [records])


def _checked_types(records: list[UsualLine], parser: LineChecks) -> list[tuple[str, int]]:
    """Each line's checked (type, points), checked once per distinct pair (raises)."""
    types = list(map(_TYPE, records))
    points = list(map(_POINTS, records))
    if points.count(None) == len(points):  # no line gives points: the type's own
        by_type = {t: parser.checked(t, None) for t in set(types)}
        return list(map(by_type.__getitem__, types))
    pairs = list(zip(types, points, strict=True))
    by_pair = {pair: parser.checked(*pair) for pair in set(pairs)}
    return list(map(by_pair.__getitem__, pairs))


def _first_lines(members: list[str]) -> dict[str, int]:
    """Each member as written and the number of the first line naming them, in that
    order (as the line-by-line path meets them). Each is looked for from the previous
    one's line on, in C: one pass over the list in all."""
    first: dict[str, int] = {}
    at = 0
    for raw in dict.fromkeys(members):  # in the order of their first lines
        at = members.index(raw, at)
        first[raw] = at + 1
    return first


def _stored_moments(moments: list[str], latest: date) -> list[str] | None:
    """SQLite's text of each ``...T12:00:00Z`` moment, or None if any is written
    otherwise, is not a real date and time, or has a date out of range."""
    text = "\n".join(moments) + "\n"
    if text.translate(_ZEROED) != _SHAPE * len(moments):
        return None
    # every line now 21 characters: the tens of its minute and second at 14 and 17
    if max(text[14::21]) > "5" or max(text[17::21]) > "5":
        return None
    days: dict[str, bool] = {}
    for hour in set(map(_HOUR, moments)):
        day = hour[:10]
        if day not in days:
            try:
                days[day] = EARLIEST_DATE <= date.fromisoformat(day) <= latest
            except ValueError:  # 2026-02-30
                days[day] = False
        if not days[day] or hour[11:] > "23":
            return None
    stored = text.replace("T", " ").replace("Z", ".000000").split("\n")
    stored.pop()
    return stored
