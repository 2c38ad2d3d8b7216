"""The command groups more than one module adds commands to (``credit``, ``member``):
``core`` registers them on the app, and ``people`` adds its commands to them."""

from __future__ import annotations

import typer

credit = typer.Typer(help="Credits from outside chat.", no_args_is_help=True)
member = typer.Typer(help="Members and their organisations.", no_args_is_help=True)
