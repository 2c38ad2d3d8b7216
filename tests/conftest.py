"""Shared fixtures: a real SQLite database per test, a fixed clock, the CLI in-process."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import ProgrammeConfig, Settings, parse_config
from bot.runtime import Runtime
from storage.engine import make_engine
from storage.migrate import upgrade

BASE_CONFIG: dict[str, Any] = {
    "timezone": "UTC",
    "slack": {
        "shoutout_channel": "C01SHOUT",
        "review_channel": "C01REVIEW",
        "announcements_channel": "C01NEWS",
        "team_leads": ["U01LEAD", "U02LEAD"],
        "program_managers": ["U01PM"],
    },
    "discourse": {"shoutout_category_id": 5, "support_category_ids": [7]},
    "organisations": [
        {
            "slug": "acme",
            "name": "Acme Learning",
            "domains": ["acme.example"],
            "country": "US",
            "employees": 40,
            "partner": True,
            "contacts": ["U01ACME"],
        },
        {
            "slug": "beta",
            "name": "Beta Pedagogy",
            "domains": ["beta.example"],
            "country": "FR",
            "employees": 10,
            "partner": True,
            "contacts": ["U01BETA"],
        },
        {"slug": "core", "name": "Core Team", "domains": ["project.example"], "staff": True},
    ],
}


class FixedClock:
    """A clock tests move by hand."""

    def __init__(self, now: datetime) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def set(self, now: datetime) -> None:
        self.now = now


@pytest.fixture
def clock() -> FixedClock:
    return FixedClock(datetime(2026, 11, 1, 9, 0, tzinfo=UTC))


def database_url(tmp_path: Path) -> str:
    """A fresh database: ``TEST_DATABASE_URL`` when given (PostgreSQL), else a SQLite file."""
    return os.environ.get("TEST_DATABASE_URL") or f"sqlite:///{tmp_path / 'creditbot.db'}"


@pytest.fixture
def config_data() -> dict[str, Any]:
    """The programme configuration as YAML data; tests may change it before ``runtime``."""
    import copy

    return copy.deepcopy(BASE_CONFIG)


@pytest.fixture
def runtime(tmp_path: Path, config_data: dict[str, Any], clock: FixedClock) -> Iterator[Runtime]:
    """A runtime on a migrated database with ``config_data`` and the fixed clock."""
    url = database_url(tmp_path)
    config: ProgrammeConfig = parse_config(config_data, "test config")
    settings = Settings(database_url=url, creditbot_config=str(tmp_path / "creditbot.yml"))
    rt = Runtime(settings, config, make_engine(url), clock)
    upgrade(rt.engine)
    rt.sync_organisations()
    yield rt
    rt.close()


@dataclass
class CliResult:
    code: int
    out: str
    err: str


@pytest.fixture
def cli(
    tmp_path: Path,
    config_data: dict[str, Any],
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
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
