"""Whole imports, column by column and line by line, on two copies of one database:
whatever the columns take leaves every table as the line-by-line read leaves it (the
credits, the members made and their order, first-seen moments, affiliations, the
monthly figures in a programme timezone), and prints the same summary."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import pytest

from bot.config import Settings, parse_config
from bot.runtime import Runtime
from bot.services.ledger import import_columns, importing
from bot.services.ledger.members import ensure_member
from scoring.models import Affiliation, AffiliationSource, Identity, IdentityKind
from storage.engine import make_engine
from tests.support.clock import FixedClock
from tests.support.databases import SqliteTemplate

pytestmark = pytest.mark.databases("sqlite")  # the columns are read where moments are text

TABLES = (
    "member",
    "member_audit",
    "identity",
    "affiliation",
    "credit",
    "rollup_member_month",
    "rollup_org_month",
)
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["timezone"] = "America/Los_Angeles"  # a month starts at 07:00 or 08:00 UTC
    return config_data


Prepare = Callable[[Runtime], None]


@pytest.fixture
def twins(
    tmp_path: Path, sqlite_template: SqliteTemplate, config_data: dict[str, Any]
) -> Iterator[Callable[[bytes, Prepare], tuple[Any, Any]]]:
    """Import a file on two copies of one prepared database, by columns and by lines;
    each run's result (or error message) and its tables."""
    opened: list[Runtime] = []

    def run(buffer: bytes, prepare: Prepare) -> tuple[Any, Any]:
        outcomes = []
        for name in ("columns", "lines"):
            folder = tmp_path / name
            folder.mkdir(exist_ok=True)
            url = sqlite_template.copy_to(folder / "creditbot.db")
            settings = Settings(database_url=url, creditbot_config=str(folder / "c.yml"))
            config = parse_config(config_data, "test config")
            runtime = Runtime(settings, config, make_engine(url), FixedClock(NOW))
            opened.append(runtime)
            runtime.sync_organisations()
            prepare(runtime)
            path = folder / "credits.jsonl"
            path.write_bytes(buffer)
            outcomes.append(_imported(runtime, path, by_columns=name == "columns"))
            runtime.close()
            outcomes.append(_tables(folder / "creditbot.db"))
        assert outcomes[0] == outcomes[2]
        assert outcomes[1] == outcomes[3]
        return outcomes[0], outcomes[1]

    yield run
    for runtime in opened:
        runtime.close()


def _imported(runtime: Runtime, path: Path, *, by_columns: bool) -> Any:
    original = import_columns.read_columns
    taken: list[bool] = []

    def read(buffer: bytes, parser: Any) -> Any:
        columns = original(buffer, parser) if by_columns else None
        taken.append(columns is not None)
        return columns

    patch = pytest.MonkeyPatch()
    patch.setattr(importing, "read_columns", read)
    try:
        result: Any = importing.import_credits(runtime, path)
    except Exception as error:  # the message the user would see
        result = f"{type(error).__name__}: {error}".replace(str(path.parent), "")
    finally:
        patch.undo()
    assert taken == [by_columns], "the columns did not take the file"
    return result


def _tables(database: Path) -> dict[str, list[tuple[Any, ...]]]:
    with sqlite3.connect(database) as connection:
        return {
            name: connection.execute(f"SELECT * FROM {name} ORDER BY 1").fetchall()
            for name in TABLES
        }


def _line(member: str, at: str, ref: str, **more: Any) -> str:
    return json.dumps({"member": member, "type": "code", "at": at, "ref": ref, **more})


def _nothing(runtime: Runtime) -> None:
    pass


def _people(runtime: Runtime) -> None:
    """Known members: one by e-mail whose organisation changes mid-month, a Slack user,
    a forum user, a GitHub user, a bot, and figures already built (in the programme's
    zone)."""
    manual = AffiliationSource.MANUAL
    with runtime.uow() as uow:
        cy, _ = ensure_member(
            uow, runtime.config, [Identity(IdentityKind.EMAIL, "cy@gmail.com")], "cy", NOW
        )
        uow.members.replace_affiliations(
            cy.id,
            [
                Affiliation(cy.id, "acme", manual, end=date(2026, 3, 1)),
                Affiliation(cy.id, "beta", manual, start=date(2026, 3, 1)),
            ],
            NOW,
            "test",
        )
        for identity in (
            Identity(IdentityKind.SLACK, "U0123ABCD"),
            Identity(IdentityKind.DISCOURSE, "forumname"),
            Identity(IdentityKind.GITHUB, "octo"),
        ):
            ensure_member(uow, runtime.config, [identity], identity.value, NOW)
        bot = Identity(IdentityKind.SLACK, "U0BOT1234")
        ensure_member(uow, runtime.config, [bot], "bot", NOW, is_bot=True)
        uow.rollups.rebuild(runtime.config.tz)
        uow.commit()


FILES: dict[str, list[str]] = {
    "new members in the order they come, written differently": [
        _line("zed@gmail.com", "2026-02-28T23:59:59Z", "a"),
        _line("ADA@Acme.example", "2026-03-01T07:59:59Z", "b"),
        _line(" ada@acme.example ", "2026-03-01T08:00:00Z", "c"),
        _line("amy@project.example", "2026-01-01T00:00:00Z", "d", source="chat"),
        _line("zed@GMAIL.com", "2025-12-31T23:00:00Z", "e", points=7),
    ],
    "known members of every kind, one changing organisation": [
        _line("cy@gmail.com", "2026-02-28T23:59:59Z", "a"),
        _line("cy@gmail.com", "2026-03-01T00:00:00Z", "b"),
        _line("U0123ABCD", "2026-03-01T07:00:00Z", "c"),
        _line("@forumname", "2026-03-01T08:00:00Z", "d"),
        _line("forumname", "2026-04-01T06:59:59Z", "e"),
        _line("github:octo", "2026-04-01T07:00:00Z", "f"),
        _line("<@U0123ABCD>", "2026-10-31T23:59:59Z", "g"),
    ],
    "one reference twice: the first line wins": [
        _line("ada@acme.example", "2026-02-03T10:00:00Z", "same", points=2),
        _line("bo@beta.example", "2026-05-03T10:00:00Z", "same", points=9),
        _line("ada@acme.example", "2026-02-03T10:00:00Z", " same ", points=4),
        _line("ada@acme.example", "2026-02-03T10:00:00Z", "same", source="other"),
    ],
    "an unknown Slack user": [
        _line("ada@acme.example", "2026-02-03T10:00:00Z", "a"),
        _line("U0NOBODY1", "2026-02-03T10:00:00Z", "b"),
    ],
    "an unknown forum user after a new member": [
        _line("new@acme.example", "2026-02-03T10:00:00Z", "a"),
        _line("@nobody", "2026-02-03T10:00:00Z", "b"),
    ],
    "not an e-mail address": [_line("a@b@c", "2026-02-03T10:00:00Z", "a")],
    "a bot, after a new member": [
        _line("new@acme.example", "2026-02-03T10:00:00Z", "a"),
        _line("<@U0BOT1234>", "2026-02-03T10:00:00Z", "b"),
    ],
}


@pytest.mark.parametrize("prepare", [_nothing, _people], ids=["empty", "people"])
@pytest.mark.parametrize("name", list(FILES))
@pytest.mark.parametrize("ending", ["\n", "\r\n", "none"])
def test_an_import_by_columns_stores_what_the_line_by_line_read_stores(
    twins: Callable[[bytes, Prepare], tuple[Any, Any]], prepare: Prepare, name: str, ending: str
) -> None:
    newline = "\n" if ending == "none" else ending
    text = newline.join(FILES[name]) + ("" if ending == "none" else newline)
    twins(text.encode(), prepare)


def test_a_second_import_of_the_same_file_adds_nothing_either_way(
    twins: Callable[[bytes, Prepare], tuple[Any, Any]],
) -> None:
    lines = FILES["new members in the order they come, written differently"]
    first = "\n".join(lines[:3]) + "\n"

    def imported_once(runtime: Runtime) -> None:
        _people(runtime)
        path = Path(runtime.settings.database_url.split("///")[1]).parent / "first.jsonl"
        path.write_text(first, encoding="utf-8")
        importing.import_credits(runtime, path)

    result, _ = twins(("\n".join(lines) + "\n").encode(), imported_once)
    assert (result.added, result.already_known) == (2, 3)


@pytest.mark.parametrize("known", [0, 7], ids=["all-new", "some-known"])
def test_a_bulk_load_by_columns_stores_what_the_line_by_line_read_stores(
    twins: Callable[[bytes, Prepare], tuple[Any, Any]], monkeypatch: pytest.MonkeyPatch, known: int
) -> None:
    monkeypatch.setattr("storage.bulk.BULK_ROWS", 50)
    people = ["cy@gmail.com", "U0123ABCD", "ada@acme.example", "Bo@Beta.example", "new@x.example"]
    lines = [
        _line(
            people[n % 5],
            f"2026-{1 + n % 10:02d}-{1 + n % 28:02d}T{n % 24:02d}:00:00Z",
            f"r{n % 1900}",  # some references twice: the first line wins
            **({"points": n % 9 + 1} if n % 4 else {}),
        )
        for n in range(2_000)
    ]

    def prepared(runtime: Runtime) -> None:
        _people(runtime)
        path = Path(runtime.settings.database_url.split("///")[1]).parent / "first.jsonl"
        path.write_text("".join(line + "\n" for line in lines[:known]), encoding="utf-8")
        if known:
            importing.import_credits(runtime, path)

    result, _ = twins("".join(line + "\n" for line in lines).encode(), prepared)
    assert (result.added, result.already_known) == (1_900 - known, 100 + known)


@pytest.mark.parametrize("name", list(FILES)[:3])
def test_the_figures_an_import_by_columns_adds_are_those_a_rebuild_gives(
    runtime: Runtime, tmp_path: Path, name: str
) -> None:
    _people(runtime)  # figures built, in the programme's zone (month edges at 07:00/08:00 UTC)
    path = tmp_path / "credits.jsonl"
    path.write_text("\n".join(FILES[name]) + "\n", encoding="utf-8")
    assert importing.import_credits(runtime, path).added
    database = Path(runtime.settings.database_url.split("///")[1])
    added = _tables(database)
    with runtime.uow() as uow:
        uow.rollups.rebuild(runtime.config.tz)
        uow.commit()
    rebuilt = _tables(database)
    for figures in ("rollup_member_month", "rollup_org_month"):
        assert added[figures] == rebuilt[figures]
