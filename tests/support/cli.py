"""The in-process CLI's result (the ``cli`` fixture of ``tests/conftest.py`` runs it)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass


@dataclass
class CliResult:
    code: int
    out: str
    err: str


#: The ``cli`` fixture: ``cli("jobs", "run", "standing", config=...)``.
Cli = Callable[..., CliResult]
