"""``creditbot db backup FILE``: a consistent copy of the SQLite database, taken live."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from sqlalchemy.engine import make_url

from bot.config import Settings
from bot.errors import InvalidInput
from storage.backup import backup_sqlite

PG_DUMP_HINT = (
    "DATABASE_URL is a PostgreSQL database: back it up with pg_dump, e.g. "
    "`pg_dump --format=custom --file=creditbot.dump postgresql://USER@HOST/DB`"
)


def backup(
    target: Annotated[Path, typer.Argument(help="the new file to write the copy to")],
) -> None:
    """Copy the SQLite database to FILE while the bot runs (PostgreSQL: use pg_dump)."""
    url = make_url(Settings().database_url)
    if url.get_backend_name() != "sqlite":
        raise InvalidInput(PG_DUMP_HINT)
    if not url.database or url.database == ":memory:" or url.database.startswith("file:"):
        raise InvalidInput(f"cannot back up the SQLite database {url.database!r}")
    database = Path(url.database).expanduser()
    try:
        size = backup_sqlite(database, target)
    except (FileNotFoundError, FileExistsError) as error:
        raise InvalidInput(str(error)) from None
    typer.echo(f"backed up {database} to {target} ({size / 1_000_000:.1f} MB)")


def register(app: typer.Typer) -> None:
    from bot.cli.core import db

    db.command("backup")(backup)
