"""``creditbot demo``: the product end to end on an embedded SQLite database."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.demo.main import run_demo


def demo(
    folder: Annotated[
        Path, typer.Option(help="where the demo database is created (emptied first)")
    ] = Path("demo"),
) -> None:
    """Run a built-in sample community through creditbot and print what it would post."""
    run_demo(folder, echo=typer.echo)


def register(app: typer.Typer) -> None:
    app.command("demo")(demo)
