"""Helpers shared by the command modules."""

from __future__ import annotations

import click

from bot.config import Settings
from bot.runtime import Runtime
from scoring.months import Month


def fail_line(message: str) -> None:
    click.echo(f"creditbot: {message}", err=True)


#: Runtimes a command opened; ``main`` closes them when the command ends, so that no
#: database connection outlives it (the CLI also runs in-process, e.g. in tests).
_opened: list[Runtime] = []


def open_runtime(*, check_schema: bool = True) -> Runtime:
    """Settings and configuration from the environment; the schema must be current."""
    runtime = Runtime.from_settings(Settings())
    _opened.append(runtime)
    if check_schema:
        runtime.check_schema()
        runtime.sync_organisations()
    return runtime


def close_runtimes() -> None:
    """Close every runtime ``open_runtime`` gave out (their connection pools)."""
    while _opened:
        _opened.pop().close()


def parse_month(value: str | None, runtime: Runtime) -> Month:
    """``--month``; by default the month just ended in the programme's timezone."""
    if value:
        return Month.parse(value)
    today = runtime.now().astimezone(runtime.config.tz).date()
    return Month.of(today).previous()
