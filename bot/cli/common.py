"""Helpers shared by the command modules."""

from __future__ import annotations

from collections.abc import Sequence

import click

from bot.config import Settings
from bot.gateways import open_gateways
from bot.outbox.drain import Drained, deliver_keys
from bot.runtime import Runtime
from scoring.bounds import EARLIEST_MONTH, check_month, check_month_ends
from scoring.months import Month


def fail_line(message: str) -> None:
    """The one line a failure prints: what the message quotes from a file or an option
    may hold line breaks or invisible characters, which are shown escaped."""
    shown = "".join(c if c.isprintable() else repr(c)[1:-1] for c in message)
    click.echo(f"creditbot: {shown}", err=True)


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


#: Set by a command whose process has nothing left to close when it ends (see ``run``).
_teardown_skipped = False


def skip_teardown() -> None:
    """Let the console script end without the interpreter's teardown: after a large import
    that is freeing, one by one, the objects scattered over a heap of a million rows
    (0.3 s), which the kernel does at once. Only for a command that leaves no thread,
    child process or open file behind."""
    global _teardown_skipped
    _teardown_skipped = True


def teardown_skipped() -> bool:
    return _teardown_skipped


def close_runtimes() -> None:
    """Close every runtime ``open_runtime`` gave out (their connection pools)."""
    while _opened:
        _opened.pop().close()


def parse_month(value: str | None, runtime: Runtime) -> Month:
    """``--month``; by default the month just ended in the programme's timezone."""
    if value:
        chosen = Month.parse(value)
        # Before the programme's range is refused; a later month is a harmless preview
        # (empty), and jobs refuse periods not yet due by their own cadence.
        if chosen < EARLIEST_MONTH:
            check_month(chosen, runtime.now().date())
        return check_month_ends(chosen)
    today = runtime.now().astimezone(runtime.config.tz).date()
    return Month.of(today).previous()


def deliver_now(runtime: Runtime, keys: Sequence[str]) -> Drained:
    """Deliver these outbox messages now through the configured gateways; what is not
    delivered stays in the outbox for the worker."""
    gateways = open_gateways(runtime.settings)
    return deliver_keys(runtime, gateways.slack, gateways.discourse, keys, missing=gateways.missing)
