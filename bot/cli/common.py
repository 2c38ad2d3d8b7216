"""Helpers shared by the command modules."""

from __future__ import annotations

import click

from bot.config import Settings
from bot.runtime import Runtime
from scoring.months import Month


def fail_line(message: str) -> None:
    click.echo(f"creditbot: {message}", err=True)


def open_runtime(*, check_schema: bool = True) -> Runtime:
    """Settings and configuration from the environment; the schema must be current."""
    runtime = Runtime.from_settings(Settings())
    if check_schema:
        runtime.check_schema()
        runtime.sync_organisations()
    return runtime


def parse_month(value: str | None, runtime: Runtime) -> Month:
    """``--month``; by default the month just ended in the programme's timezone."""
    if value:
        return Month.parse(value)
    today = runtime.now().astimezone(runtime.config.tz).date()
    return Month.of(today).previous()
