"""Bad files, generated: ``creditbot import`` of CSV / JSON Lines and ``creditbot.yml``.

Whatever the file holds, the command line answers with one line (``creditbot: ...``)
and exit code 1 (or Click's usage and 2), never a traceback; an import that fails
stores nothing, and one that succeeds says how many credits it added.
"""

from __future__ import annotations

import copy
import csv
import io
import json
from collections.abc import Iterator
from contextlib import redirect_stderr, redirect_stdout
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st
from sqlalchemy import func, select, text
from sqlmodel import SQLModel

from bot.cli import main
from storage.engine import make_engine
from tests.faults.input_support import FEW, FEWER, JSON_VALUES, ODD_SCALAR, ODD_TEXT, mutations_of
from tests.support.config import BASE_CONFIG

GOOD_LINE: dict[str, Any] = {
    "member": "alice@acme.example",
    "type": "code",
    "at": "2026-10-02",
    "points": 3,
    "ref": "pr-1",
    "source": "github",
    "organisation": "acme",
    "note": "fixed the build",
}
FIELDS = list(GOOD_LINE)


@dataclass
class Ran:
    code: int
    out: str
    err: str


class Workdir:
    """A folder with a migrated database and a valid creditbot.yml, for the CLI in-process."""

    def __init__(self, folder: Path, url: str) -> None:
        self.folder = folder
        self.url = url
        self.config = folder / "creditbot.yml"
        self.engine = make_engine(url)
        self._files = 0

    def run(self, *args: str) -> Ran:
        out, err = io.StringIO(), io.StringIO()
        with redirect_stdout(out), redirect_stderr(err):
            code = main(list(args))
        return Ran(code, out.getvalue(), err.getvalue())

    def file(self, suffix: str, content: bytes) -> Path:
        self._files += 1
        path = self.folder / f"input-{self._files}{suffix}"
        path.write_bytes(content)
        return path

    def counts(self) -> dict[str, int]:
        with self.engine.connect() as connection:
            return {
                table.name: int(
                    connection.execute(select(func.count()).select_from(table)).scalar_one()
                )
                for table in SQLModel.metadata.sorted_tables
            }

    def good_config(self) -> None:
        self.config.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")


@pytest.fixture(scope="module")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def workdir(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Workdir]:
    folder = tmp_path_factory.mktemp("f3-files")
    server = request.getfixturevalue("postgres_server") if db_backend == "postgresql" else None
    url = server.create_database() if server is not None else f"sqlite:///{folder / 'cb.db'}"
    place = Workdir(folder, url)
    place.good_config()
    with pytest.MonkeyPatch.context() as patch:
        patch.chdir(folder)
        patch.setenv("DATABASE_URL", url)
        patch.setenv("CREDITBOT_CONFIG", str(place.config))
        for variable in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DISCOURSE_API_KEY"):
            patch.delenv(variable, raising=False)
        assert place.run("db", "upgrade").code == 0
        yield place
    place.engine.dispose()
    if server is not None:
        server.drop_database(url)


def _one_clear_line(ran: Ran) -> None:
    """A failure the way the README promises it: exit 1 and one line, or Click's usage."""
    assert "Traceback" not in ran.err + ran.out
    if ran.code == 2:
        assert "Usage:" in ran.err
        return
    assert ran.code == 1, ran
    assert ran.err.startswith("creditbot: "), ran.err
    assert ran.err.count("\n") == 1, ran.err


# -- import files -------------------------------------------------------------------------

#: Odd values of each field, near what people really put in such files.
ODD_VALUES: dict[str, list[Any]] = {
    "member": [
        "Alice@Acme.Example",
        "alice@",
        "@acme.example",
        "U0ALICE",
        "<@U0ALICE>",
        "a" * 300 + "@acme.example",
        "alice@acme.example\n",
        "bob@beta.example, alice@acme.example",
        "nobody",
    ],
    "type": ["Code", "code ", "CODE", "unknown", "code\nreview"],
    "at": [
        "2026-02-30",
        "2026-10-02T25:00",
        "0001-01-01",
        "0001-01-01T00:00:00+01:00",
        "9999-12-31T23:59:59-01:00",
        "2026-10-02T12:00:00-23:59",
        "2026-10-02 12:00",
        "20261002",
        "2026-W40-1",
        "2026-10-02T12:00:00.1234567",
        "2026-10-02\n12:00",
        "yesterday",
    ],
    "points": ["3.0", " 3 ", "٣", "+3", "00003", "1e1", 10**30, -0, 0, 50, 51, "3\n"],
    "ref": ["", " ", "x" * 2000, "pr-1\n", 12],
    "source": ["", "x" * 500, "slack", "discourse"],
    "organisation": ["ACME", "acme ", "../acme", "core", "nope\nline"],
    "note": ["x" * 5000, "\x00", "line\nbreak"],
}


@st.composite
def _near_good_lines(draw: st.DrawFn) -> dict[str, Any]:
    line = dict(GOOD_LINE)
    line["ref"] = draw(st.sampled_from(["pr-1", "pr-2", "pr-3"]))
    for field in draw(st.lists(st.sampled_from(FIELDS), min_size=1, max_size=2, unique=True)):
        line[field] = draw(st.sampled_from(ODD_VALUES[field]) | ODD_SCALAR)
    return line


LINES = st.one_of(
    _near_good_lines(),
    mutations_of(GOOD_LINE, max_changes=3),
    st.fixed_dictionaries({}, optional={field: ODD_SCALAR for field in FIELDS}),
    st.just(GOOD_LINE),
)


def _jsonl(records: list[Any], raw: list[str]) -> bytes:
    lines = [json.dumps(record, allow_nan=True) for record in records] + raw
    return "".join(line + "\n" for line in lines).encode("utf-8")


def _csv(records: list[dict[str, Any]], header: list[str]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text)
    writer.writerow(header)
    for record in records:
        writer.writerow(["" if record.get(h) is None else str(record.get(h)) for h in header])
    return text.getvalue().encode("utf-8")


@st.composite
def _import_files(draw: st.DrawFn) -> tuple[str, bytes]:
    records = draw(st.lists(LINES, min_size=0, max_size=4))
    kind = draw(st.sampled_from([".jsonl", ".csv", ".jsonl-raw", ".bytes"]))
    if kind == ".jsonl":
        raw = draw(
            st.lists(ODD_TEXT | st.text(max_size=20) | JSON_VALUES.map(json.dumps), max_size=2)
        )
        return ".jsonl", _jsonl(records, raw)
    if kind == ".csv":
        header = draw(
            st.lists(st.sampled_from([*FIELDS, "", "extra", "member "]), max_size=9)
            | st.just(FIELDS)
        )
        return ".csv", _csv([r for r in records if isinstance(r, dict)], header)
    if kind == ".jsonl-raw":
        return ".jsonl", draw(st.binary(max_size=120))
    return draw(st.sampled_from([".csv", ".jsonl", ".txt", ""])), draw(
        st.sampled_from([b"\xef\xbb\xbf", b"\xff\xfe", b"\x00", b""]) | st.binary(max_size=40)
    ) + _csv([GOOD_LINE], FIELDS)


@FEW
@given(drawn=_import_files())
def test_a_bad_import_file_is_one_clear_line_and_stores_nothing(
    workdir: Workdir, drawn: tuple[str, bytes]
) -> None:
    suffix, content = drawn
    path = workdir.file(suffix, content)
    before = workdir.counts()
    ran = workdir.run("import", str(path))
    if ran.code == 0:
        added = int(ran.out.split(": ", 1)[1].split(" credits added")[0])
        assert workdir.counts()["credit"] == before["credit"] + added, ran.out
        return
    _one_clear_line(ran)
    assert str(path) in ran.err or ran.code == 2
    assert workdir.counts() == before


@FEW
@given(
    lines=st.lists(_near_good_lines(), min_size=1, max_size=3),
    suffix=st.sampled_from([".jsonl", ".csv"]),
)
def test_a_line_with_odd_values_is_imported_or_refused_with_its_line_number(
    workdir: Workdir, lines: list[dict[str, Any]], suffix: str
) -> None:
    content = _jsonl(lines, []) if suffix == ".jsonl" else _csv(lines, FIELDS)
    path = workdir.file(suffix, content)
    before = workdir.counts()
    ran = workdir.run("import", str(path))
    if ran.code == 0:
        assert ran.out.startswith(f"{len(lines)} lines: "), ran.out
        added = int(ran.out.split(": ", 1)[1].split(" credits added")[0])
        assert workdir.counts()["credit"] == before["credit"] + added, ran.out
        return
    _one_clear_line(ran)
    assert ran.err.startswith(f"creditbot: {path}:"), ran.err
    assert workdir.counts() == before


@pytest.mark.parametrize(
    ("suffix", "content"),
    [
        (".csv", _csv([GOOD_LINE | {"note": "x" * 200_000}], FIELDS)),
        (".jsonl", _jsonl([GOOD_LINE | {"note": "x" * 200_000, "ref": "long"}], [])),
        (".csv", b"member,type,at\n" + b"alice@acme.example,code,2026-10-02\x00\n"),
        (".jsonl", b'{"member": "alice@acme.example", "type": "code", "at": "2026-10-02"'),
        (".jsonl", b"[" * 100_000),
    ],
    ids=["csv field of 200 KB", "jsonl note of 200 KB", "NUL", "cut short", "deep nesting"],
)
def test_an_import_file_at_the_edges_is_imported_or_one_clear_line(
    workdir: Workdir, suffix: str, content: bytes
) -> None:
    path = workdir.file(suffix, content)
    before = workdir.counts()
    ran = workdir.run("import", str(path))
    if ran.code != 0:
        _one_clear_line(ran)
        assert workdir.counts() == before


def test_an_import_the_database_refuses_is_one_clear_line_and_stores_nothing(
    workdir: Workdir,
) -> None:
    """The disk fills up (a trigger refuses the write, as a full disk would) in the
    middle of an import: one line, exit 1, no traceback, no part of the file stored,
    and none of what the file held (e-mails, notes) in the message."""
    lines = [GOOD_LINE | {"ref": f"disk-{n}", "note": f"private note {n}"} for n in range(3)]
    lines[2]["member"] = "disk.full.private@acme.example"
    path = workdir.file(".jsonl", _jsonl(lines, []))
    postgres = workdir.url.startswith("postgresql")
    with workdir.engine.begin() as connection:
        for statement in _DISK_FULL["postgresql" if postgres else "sqlite"]:
            connection.execute(text(statement))
    before = workdir.counts()
    try:
        ran = workdir.run("import", str(path))
    finally:
        with workdir.engine.begin() as connection:
            for statement in _NO_DISK_FULL["postgresql" if postgres else "sqlite"]:
                connection.execute(text(statement))
    _one_clear_line(ran)
    assert "database" in ran.err
    assert "private note" not in ran.err and "disk.full.private" not in ran.err
    assert workdir.counts() == before


_DISK_FULL = {
    "sqlite": [
        "CREATE TRIGGER f3_full BEFORE INSERT ON credit WHEN NEW.note = 'private note 2' "
        "BEGIN SELECT RAISE(ABORT, 'database or disk is full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION f3_full() RETURNS trigger AS $$ BEGIN "
        "IF NEW.note = 'private note 2' THEN RAISE EXCEPTION 'could not extend file'; END IF; "
        "RETURN NEW; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER f3_full BEFORE INSERT ON credit FOR EACH ROW EXECUTE FUNCTION f3_full()",
    ],
}
_NO_DISK_FULL = {
    "sqlite": ["DROP TRIGGER f3_full"],
    "postgresql": ["DROP TRIGGER f3_full ON credit", "DROP FUNCTION f3_full()"],
}


def test_an_import_file_that_does_not_exist_is_one_clear_line(workdir: Workdir) -> None:
    ran = workdir.run("import", str(workdir.folder / "missing.csv"))
    _one_clear_line(ran)
    assert "missing.csv" in ran.err


# -- creditbot.yml ------------------------------------------------------------------------

SECTIONS = sorted(BASE_CONFIG)


@st.composite
def _configs(draw: st.DrawFn) -> bytes:
    kind = draw(st.sampled_from(["mutated", "mutated", "values", "text", "bytes", "deep"]))
    if kind == "mutated":
        data = draw(mutations_of(copy.deepcopy(BASE_CONFIG), max_changes=3))
        return yaml.safe_dump(data, allow_unicode=True).encode("utf-8")
    if kind == "values":
        data = {
            draw(st.sampled_from([*SECTIONS, "timezone", "partner_rules", "shoutout", "web"])): (
                draw(JSON_VALUES)
            )
        }
        return yaml.safe_dump(data).encode("utf-8")
    if kind == "text":
        return draw(
            st.sampled_from(
                [
                    "timezone: [",
                    "- a\n- b",
                    "a: &x [*x]\nslack: *x",
                    "timezone: Europe/../UTC",
                    "timezone: zone.tab",
                    "!!python/object/apply:os.system ['true']",
                    "slack: {team_leads: U01LEAD}",
                    "contribution_types: {}",
                    "organisations: [{slug: acme, name: A}, {slug: acme, name: B}]",
                    "timezone: 'UTC'\ntimezone: 'Europe/Paris'",
                ]
            )
            | st.text(max_size=60)
        ).encode("utf-8")
    if kind == "deep":
        depth = draw(st.integers(min_value=200, max_value=3000))
        return ("slack: " + "[" * depth + "]" * depth).encode("utf-8")
    return draw(st.binary(max_size=80))


@FEWER
@given(content=_configs())
def test_a_bad_configuration_file_is_one_line_naming_the_file(
    workdir: Workdir, content: bytes
) -> None:
    workdir.config.write_bytes(content)
    try:
        ran = workdir.run("org", "list")
    finally:
        workdir.good_config()
    if ran.code == 0:
        return  # a valid configuration after all
    _one_clear_line(ran)
    assert ran.err.startswith(f"creditbot: {workdir.config}: "), ran.err


def test_an_import_under_a_broken_configuration_stores_nothing(workdir: Workdir) -> None:
    path = workdir.file(".jsonl", _jsonl([GOOD_LINE | {"ref": "under-broken-config"}], []))
    before = workdir.counts()
    workdir.config.write_text("partner_rules:\n  window_months: three\n", encoding="utf-8")
    try:
        ran = workdir.run("import", str(path))
    finally:
        workdir.good_config()
    _one_clear_line(ran)
    assert "partner_rules.window_months" in ran.err
    assert workdir.counts() == before
