"""Shared fixtures: a real database per test, a fixed clock, the CLI in-process.

Every test that uses ``runtime`` or ``cli`` (or asks for ``db_backend``) runs twice: on a
SQLite file and on a PostgreSQL database of its own (see ``tests/support/databases.py``).
``pytest --db sqlite`` or ``--db postgresql`` runs one of them; a test marked
``@pytest.mark.databases("sqlite")`` runs on that one only (its docstring says why).
Locally the PostgreSQL runs are skipped when PostgreSQL is absent; in CI (``CI=true``)
its absence fails the run.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ProgrammeConfig, Settings, parse_config
from bot.runtime import Runtime
from storage.engine import make_engine
from storage.migrate import is_current, upgrade
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.cli import CliResult
from tests.support.clock import FixedClock
from tests.support.config import BASE_CONFIG
from tests.support.databases import (
    BACKENDS,
    WHY_NO_POSTGRES,
    PostgresServer,
    SqliteTemplate,
    database_url,
    forget_postgres_database,
    in_ci,
    postgres_available,
    use_postgres_database,
)
from tests.support.slack import PEOPLE


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))


# --- The stand-ins ---------------------------------------------------------------------


@pytest.fixture
def slack_api() -> Iterator[SlackApiStandIn]:
    """The Slack Web API stand-in, knowing the people of the Slack scenarios."""
    standin = SlackApiStandIn().start()
    for user_id, name, email, is_bot, deleted in PEOPLE:
        standin.add_user(user_id, name, email, is_bot=is_bot, deleted=deleted)
    yield standin
    standin.stop()


@pytest.fixture
def forum() -> Iterator[StandinDiscourse]:
    """The Discourse stand-in, empty."""
    standin = StandinDiscourse().start()
    yield standin
    standin.stop()


# --- Databases -----------------------------------------------------------------------


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--db",
        choices=("both", *BACKENDS),
        default="both",
        help="the databases the database tests run on (default: both)",
    )


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers",
        "databases(*names): run this database test on these of BACKENDS only (its "
        "docstring says why the others add nothing)",
    )
    wanted = config.getoption("--db")
    if wanted != "sqlite" and in_ci() and not postgres_available():
        raise pytest.UsageError(f"CI runs the tests on PostgreSQL too, but {WHY_NO_POSTGRES}")


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "db_backend" in metafunc.fixturenames:
        wanted = metafunc.config.getoption("--db")
        backends = BACKENDS if wanted == "both" else (wanted,)
        only = metafunc.definition.get_closest_marker("databases")
        if only is not None:
            off = pytest.mark.skip(reason=f"runs on {' and '.join(only.args)} only")
            params = [pytest.param(b, marks=() if b in only.args else off) for b in backends]
            kept = [param for param in params if not param.marks]
            metafunc.parametrize("db_backend", kept or params[:1], indirect=True)
            return
        metafunc.parametrize("db_backend", backends, indirect=True)


@pytest.fixture(scope="session")
def postgres_server(request: pytest.FixtureRequest) -> Iterator[PostgresServer]:
    """The PostgreSQL server of this session (skipped, or failed in CI, without one)."""
    if request.config.getoption("--db") == "sqlite":
        pytest.skip("the PostgreSQL runs are off (--db sqlite)")
    if not postgres_available():
        if in_ci():
            pytest.fail(WHY_NO_POSTGRES, pytrace=False)
        pytest.skip(WHY_NO_POSTGRES)
    server = PostgresServer.start()
    yield server
    server.close()


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory: pytest.TempPathFactory) -> SqliteTemplate:
    """A SQLite file migrated once per session, copied for each test that needs one."""
    return SqliteTemplate(tmp_path_factory.mktemp("sqlite-template"))


@pytest.fixture
def postgres_url(postgres_server: PostgresServer) -> Iterator[str]:
    """An empty PostgreSQL database of this test's own, dropped at its end."""
    url = postgres_server.create_database()
    yield url
    postgres_server.drop_database(url)


@pytest.fixture
def db_backend(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """The database this test runs on: "sqlite" or "postgresql" (parametrized)."""
    backend: str = request.param
    if backend != "postgresql":
        yield backend
        return
    server: PostgresServer = request.getfixturevalue("postgres_server")
    # A test that builds ``runtime`` migrates its database anyway: a copy of a migrated
    # template is several times faster than migrating, and the same.
    url = server.create_database(migrated="runtime" in request.fixturenames)
    use_postgres_database(tmp_path, url)
    yield backend
    forget_postgres_database(tmp_path)
    server.drop_database(url)


@pytest.fixture
def config_data() -> dict[str, Any]:
    """The programme configuration as YAML data; tests may change it before ``runtime``."""
    import copy

    return copy.deepcopy(BASE_CONFIG)


@pytest.fixture
def runtime(
    tmp_path: Path,
    config_data: dict[str, Any],
    clock: FixedClock,
    db_backend: str,
    sqlite_template: SqliteTemplate,
) -> Iterator[Runtime]:
    """A runtime on a migrated database with ``config_data`` and the fixed clock."""
    url = database_url(tmp_path)
    if db_backend == "sqlite":  # a copy of the migrated template: much faster than migrating
        url = sqlite_template.copy_to(tmp_path / "creditbot.db")
    config: ProgrammeConfig = parse_config(config_data, "test config")
    settings = Settings(database_url=url, creditbot_config=str(tmp_path / "creditbot.yml"))
    rt = Runtime(settings, config, make_engine(url), clock)
    if not is_current(rt.engine):
        upgrade(rt.engine)
    rt.sync_organisations()
    yield rt
    rt.close()


@pytest.fixture
def cli(
    tmp_path: Path,
    config_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
    db_backend: str,
) -> Callable[..., CliResult]:
    """Run ``creditbot ARGS`` in-process against this test's database and config file."""
    from bot.cli import main

    config_path = tmp_path / "creditbot.yml"
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("DATABASE_URL", database_url(tmp_path))
    monkeypatch.setenv("CREDITBOT_CONFIG", str(config_path))

    def run(*args: str, config: dict[str, Any] | None = None) -> CliResult:
        data = config if config is not None else config_data
        if not config_path.exists() or config is not None:
            config_path.write_text(yaml.safe_dump(data), encoding="utf-8")
        capsys.readouterr()
        code = main(list(args))
        captured = capsys.readouterr()
        return CliResult(code, captured.out, captured.err)

    return run
