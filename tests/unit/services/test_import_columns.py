"""The column-by-column read of a JSON Lines import (``import_columns``) stores exactly
what the line-by-line read stores, and gives way to it for every line that is not the
usual one: the line-by-line read is what names a bad line, and what takes the others."""

from __future__ import annotations

import io
import json
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import msgspec
import orjson
import pytest
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from bot.errors import CreditbotError
from bot.runtime import Runtime
from bot.services.ledger import importing
from bot.services.ledger.import_columns import UsualLine, read_columns
from bot.services.ledger.import_loops import Attribution, credit_rows, json_lines
from scoring.bounds import MAX_POINTS
from scoring.errors import ScoringError
from scoring.models import Affiliation, AffiliationSource

pytestmark = pytest.mark.databases("sqlite")  # the columns are read where moments are text

CREATED = "2026-11-01 09:00:00.000000"
MEMBERS = [
    "ada@acme.example",
    " ada@acme.example ",
    "ADA@Acme.example",
    "bo@beta.example",
    "U0123ABCD",
    "@forumname",
    "github:octo",
    "",
    "   ",
]
TYPES = ["code", "talk", " code ", "unknown", "", "   "]
POINTS: list[Any] = [None, 3, "4", " 5 ", 0, -1, 10**30, True, 1.0, "x", 18446744073709551615]
ODD_MOMENTS = [
    "2026-W05-2T10:00:00Z",
    "2026-02-29T10:00:00Z",  # not a leap year
    "2024-02-29T10:00:00Z",  # a leap year
    "2026-02-30T10:00:00Z",
    "2026-02-03T24:00:00Z",
    "2026-02-03T23:60:00Z",
    "2026-02-03T23:59:60Z",
    "2026-02-03 10:00:00Z",
    "2026-02-03T10:00:00+00:00",
    "2026-02-03T10:00:00.5Z",
    "2026-02-03",
    "1999-12-31T23:59:59Z",
    "2000-01-01T00:00:00Z",
    "2026-11-02T23:59:59Z",  # the latest day allowed (tomorrow)
    "2026-11-03T00:00:00Z",
    "٢٠٢٦-02-03T10:00:00Z",
    "2026-02-03T10:00:00z",
]
REFS = ["r1", " r1 ", "", "   ", "r\u0000", "r2", "ref with spaces"]
SOURCES: list[Any] = [None, "bench", "  ", "", " chat "]
EXTRA: list[dict[str, Any]] = [{}, {"note": "hi"}, {"organisation": "acme"}, {"other": 1}]


def _usual_moment(seconds: int) -> str:
    return (datetime(2000, 1, 1, tzinfo=UTC) + timedelta(seconds=seconds)).strftime(
        "%Y-%m-%dT%H:%M:%SZ"
    )


def _mostly(usual: list[Any], odd: list[Any]) -> st.SearchStrategy[Any]:
    """A usual value nine times in ten: enough whole files stay usual for the columns."""
    return st.integers(0, 9).flatmap(lambda n: st.sampled_from(odd if n == 0 else usual))


@st.composite
def _record(draw: st.DrawFn) -> dict[str, Any]:
    moment = draw(
        st.integers(0, 9).flatmap(
            lambda n: (
                st.sampled_from(ODD_MOMENTS)
                if n == 0
                else st.integers(0, 9_800 * 86_400).map(_usual_moment)
            )
        )
    )
    record: dict[str, Any] = {
        "member": draw(_mostly(MEMBERS[:4], MEMBERS)),
        "type": draw(_mostly(TYPES[:2], TYPES)),
        "at": moment,
        "ref": draw(_mostly(REFS[:1], REFS)) + str(draw(st.integers(0, 50))),
    }
    if draw(st.booleans()):
        record["points"] = draw(_mostly(POINTS[:3], POINTS))
    if draw(st.booleans()):
        record["source"] = draw(_mostly(SOURCES[:2], SOURCES))
    record.update(draw(_mostly([{}], EXTRA)))
    if draw(st.integers(0, 19)) == 0:
        del record[draw(st.sampled_from(["member", "type", "at", "ref"]))]
    return record


@st.composite
def _line(draw: st.DrawFn) -> bytes:
    record = draw(_record())
    if draw(st.booleans()):
        record = dict(reversed(record.items()))
    text = json.dumps(record, separators=draw(st.sampled_from([(",", ":"), (", ", ": ")])))
    return draw(
        _mostly(
            [text + "\n", text + "\r\n", "  " + text + "  \n"],
            [
                text + "\n",
                text + "\r\n",
                "  " + text + "  \n",
                text + text + "\n",  # two objects on one line
                "\n",  # a blank line
                "[]\n",
                text[:-1] + "\n",  # cut short
            ],
        )
    ).encode()


def _attribution() -> Attribution:
    """Member 1 changes organisation on 2026-02-16; the others have one, or none."""
    manual = AffiliationSource.MANUAL
    return Attribution(
        {
            1: [
                Affiliation(1, "acme", manual, end=date(2026, 2, 16)),
                Affiliation(1, "beta", manual, start=date(2026, 2, 16)),
            ],
            2: [Affiliation(2, "acme", manual)],
        },
        ZoneInfo("UTC"),
    )


def _compare(runtime: Runtime, path: Path, buffer: bytes) -> bool:
    """Both reads of ``buffer``; when the columns take it, the same rows and members.
    Returns whether the columns took it."""
    by_columns = importing._LineParser(runtime, path)
    columns = read_columns(buffer, by_columns)
    by_lines = importing._LineParser(runtime, path)
    try:
        lines: Any = json_lines(path, io.BytesIO(buffer), by_lines)
    except (CreditbotError, ScoringError, UnicodeDecodeError) as error:
        lines = error
    if columns is None:
        return False
    assert isinstance(lines, list), f"the columns took a file the lines refuse: {lines}"
    assert all(line[7] is None and not line[8] for line in lines)
    assert by_columns.identities == by_lines.identities
    assert by_columns.member_lines == by_lines.member_lines
    member_of = {raw: n for n, raw in enumerate(sorted(by_lines.identities), 1)}
    expected = credit_rows(lines, member_of, _attribution(), CREATED, True)
    assert columns.rows(member_of, _attribution(), CREATED) == expected
    return True


@settings(
    max_examples=400,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(lines=st.lists(_line(), min_size=1, max_size=12), last_newline=st.booleans())
def test_what_the_columns_take_is_stored_as_the_lines_store_it(
    runtime: Runtime, tmp_path: Path, lines: list[bytes], last_newline: bool
) -> None:
    buffer = b"".join(lines)
    if not last_newline:
        buffer = buffer.rstrip(b"\n")
    event("columns" if _compare(runtime, tmp_path / "f.jsonl", buffer) else "line by line")


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(record=_record(), mutation=st.binary(max_size=3), at=st.integers(0, 120))
def test_a_line_msgspec_decodes_is_a_line_orjson_reads_the_same(
    record: dict[str, Any], mutation: bytes, at: int
) -> None:
    text = json.dumps(record).encode()
    at = min(at, len(text))
    line = text[:at] + mutation + text[at:]
    try:
        decoded = msgspec.json.decode(line, type=UsualLine)
    except (msgspec.DecodeError, msgspec.ValidationError):
        return
    points = decoded.points
    if isinstance(points, int) and not -(2**63) <= points < 2**64:
        # orjson reads a whole number past 64 bits as a float, msgspec exactly: both are
        # refused as points (the line by line: not whole; the columns: over the maximum)
        assert not 1 <= points <= MAX_POINTS
        return
    read = orjson.loads(line)
    assert {k: getattr(decoded, k) for k in read} == read
    assert set(read) >= {"member", "type", "at", "ref"}


def _usual(n: int, **fields: Any) -> bytes:
    record = {"member": "ada@acme.example", "type": "code", "at": "2026-02-03T10:00:00Z"}
    record["ref"] = f"r{n}"
    return (json.dumps({**record, **fields}) + "\n").encode()


def test_a_file_of_usual_lines_is_read_as_columns(runtime: Runtime, tmp_path: Path) -> None:
    usual = [
        _usual(1),
        _usual(2, points=7, source="meetup"),
        _usual(3, points="4", member="bo@beta.example", at="2024-02-29T23:59:59Z"),
        _usual(4, member="ADA@acme.example", type="talk", source=None),
    ]
    assert _compare(runtime, tmp_path / "f.jsonl", b"".join(usual))
    assert _compare(runtime, tmp_path / "f.jsonl", b"".join(usual).rstrip(b"\n"))


ODD_FIELDS: list[dict[str, Any]] = [
    {"note": "n"},
    {"organisation": "acme"},
    *(
        {"at": at}
        for at in ODD_MOMENTS
        if at not in ("2024-02-29T10:00:00Z", "2000-01-01T00:00:00Z", "2026-11-02T23:59:59Z")
    ),
    {"ref": "  "},
    {"ref": "r\u0000"},
    {"member": "  "},
    {"type": "unknown"},
    {"points": 0},
    {"points": 1.0},
    {"points": True},
]
ODD_LINES = [
    b"\n",
    b"  \r\n",
    _usual(9).rstrip(b"\n") + _usual(10),
    _usual(9).rstrip(b"\n") + b" \r" + _usual(10) + b"\n",  # as many records as lines
    b'{"member": "ada@acme.example", "type": "code", "at": "2026-02-03T10:00:00Z"}\n',
    b"\xef\xbb\xbf" + _usual(9),
    _usual(9).replace(b"ada", b"\xff"),
    *(_usual(9, **fields) for fields in ODD_FIELDS),
]


@pytest.mark.parametrize("odd", ODD_LINES)
def test_any_unusual_line_leaves_the_file_to_the_line_by_line_read(
    runtime: Runtime, tmp_path: Path, odd: bytes
) -> None:
    buffer = _usual(1) + odd + _usual(2)
    assert read_columns(buffer, importing._LineParser(runtime, tmp_path / "f.jsonl")) is None
    assert not _compare(runtime, tmp_path / "f.jsonl", buffer)
