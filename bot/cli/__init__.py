"""The ``creditbot`` command line.

Exit codes: 0 success, 1 a failure the message explains, 2 wrong usage (Click's).
Each command group lives in its own module and registers itself on ``app``.
"""

from __future__ import annotations

import logging
import os
import sys

import typer
from sqlalchemy.exc import SQLAlchemyError

from bot.cli import common
from bot.errors import CreditbotError
from scoring.errors import ScoringError
from storage.errors import StorageError

app = typer.Typer(
    name="creditbot",
    help="Contribution credit and partner programme bot for Slack and Discourse.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
    add_completion=False,
)


_registered = False


def _register() -> None:
    # Once per process: ``main`` may run many times in one process (the tests do), and
    # registering again would add every command again, making each run slower.
    global _registered
    if _registered:
        return
    _registered = True
    from bot.cli import core, demo

    core.register(app)
    demo.register(app)

    from bot.cli import jobs, outbox, shoutout

    jobs.register(app)
    outbox.register(app)
    shoutout.register(app)

    from bot.cli import standing

    standing.register(app)

    from bot.cli import discourse

    discourse.register(app)

    from bot.cli import serve

    serve.register(app)

    from bot.cli import directory

    directory.register(app)

    from bot.cli import backup

    backup.register(app)

    from bot.cli import distinguished

    distinguished.register(app)

    from bot.cli import people

    people.register(app)

    from bot.cli import thanks

    thanks.register(app)


def main(argv: list[str] | None = None) -> int:
    """Entry point of the console script."""
    _register()
    command = typer.main.get_command(app)
    try:
        command.main(args=argv, prog_name="creditbot", standalone_mode=True)
    except SystemExit as done:
        # Click exits 0 on success, 2 on wrong usage (after printing the usage line).
        code = done.code
        return code if isinstance(code, int) else (0 if code is None else 1)
    except (CreditbotError, ScoringError) as error:
        common.fail_line(str(error))
        return 1
    except (SQLAlchemyError, StorageError) as error:  # a full disk, a lost server: one line
        cause = getattr(error, "orig", None) or error
        reason = (str(cause).strip().splitlines() or [type(cause).__name__])[0]
        common.fail_line(f"the database failed: {reason}")
        return 1
    except KeyboardInterrupt:
        return 130
    finally:
        common.close_runtimes()
    return 0


def run() -> None:  # pragma: no cover - console script shim
    code = main()
    if common.teardown_skipped():  # main has closed the database; output is flushed here
        code = _flushed(code)
        logging.shutdown()
        os._exit(code)
    sys.exit(code)


def _flushed(code: int) -> int:  # pragma: no cover - console script shim
    """``code`` once the output streams are flushed, as the interpreter's teardown would:
    a stream the process was started without (None, e.g. ``>&-``) is left alone, and one
    that cannot take the output makes the exit 120, as Python's own does."""
    for stream in (sys.stdout, sys.stderr):
        if stream is None:
            continue
        try:
            stream.flush()
        except (OSError, ValueError):
            code = code or 120
    return code
