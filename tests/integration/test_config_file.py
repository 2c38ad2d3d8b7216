"""Which programme file the command line reads: the one ``CREDITBOT_CONFIG`` names must
exist; without the variable, a missing ``./creditbot.yml`` means the defaults."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from tests.support.cli import CliResult

Cli = Callable[..., CliResult]


def test_a_config_file_named_by_the_environment_that_does_not_exist_is_one_line_and_exit_1(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "elsewhere" / "creditbot.yml"
    monkeypatch.setenv("CREDITBOT_CONFIG", str(missing))

    result = cli("db", "upgrade")

    assert result.code == 1
    assert result.err == f"creditbot: {missing}: no such file (CREDITBOT_CONFIG)\n"
    assert result.out == ""
    assert not (tmp_path / "creditbot.db").exists()  # nothing was created


def test_serve_refuses_to_start_on_a_config_file_that_does_not_exist(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    missing = tmp_path / "typo.yml"
    monkeypatch.setenv("CREDITBOT_CONFIG", str(missing))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "test-secret")
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)

    result = cli("serve", "--host", "127.0.0.1", "--port", "0", "--no-scheduler")

    assert result.code == 1
    assert result.err == f"creditbot: {missing}: no such file (CREDITBOT_CONFIG)\n"


def test_without_creditbot_config_a_missing_default_file_runs_on_the_defaults(
    cli: Cli, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "no-config-here"
    empty.mkdir()
    monkeypatch.chdir(empty)  # no ./creditbot.yml (nor .env) in the working directory
    monkeypatch.delenv("CREDITBOT_CONFIG")

    upgraded = cli("db", "upgrade")
    listed = cli("org", "list")

    assert upgraded.code == 0, upgraded.err
    assert listed.code == 0, listed.err
    assert not (empty / "creditbot.yml").exists()
