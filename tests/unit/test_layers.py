"""The domain stays pure: importing scoring loads no framework, database or network code."""

from __future__ import annotations

import subprocess
import sys

FORBIDDEN = (
    "sqlmodel",
    "sqlalchemy",
    "slack_bolt",
    "slack_sdk",
    "pydiscourse",
    "apscheduler",
    "requests",
    "httpx",
    "bot",
    "storage",
    "pydantic",
    "starlette",
)


def test_importing_every_scoring_module_loads_no_framework() -> None:
    code = (
        "import pkgutil, importlib, sys, scoring\n"
        "for m in pkgutil.walk_packages(scoring.__path__, 'scoring.'):\n"
        "    importlib.import_module(m.name)\n"
        f"bad = [n for n in sys.modules if n.split('.')[0] in {FORBIDDEN!r}]\n"
        "print(','.join(sorted(bad)))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == ""
