"""The in-process CLI's result (the ``cli`` fixture of ``tests/conftest.py`` runs it)."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any


@dataclass
class CliResult:
    code: int
    out: str
    err: str


#: The ``cli`` fixture: ``cli("jobs", "run", "standing", config=...)``.
Cli = Callable[..., CliResult]


def imported(cli: Cli, folder: Path, lines: Sequence[dict[str, Any]]) -> Cli:
    """A database upgraded and these credits imported as JSON Lines, through the CLI."""
    assert cli("db", "upgrade").code == 0
    path = folder / "credits.jsonl"
    path.write_text("".join(json.dumps(line) + "\n" for line in lines), encoding="utf-8")
    result = cli("import", str(path))
    assert result.code == 0, result.err
    return cli
