"""Tests import their helpers from ``tests/support/``, never from a conftest file.

A conftest file is pytest's to load: importing one from a test runs it a second time under
another name (its fixtures registered twice, its module state duplicated), and hides
helpers where nobody looks for them.
"""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parents[1]
ROOT = TESTS.parent


def conftest_imports(path: Path, root: Path = ROOT) -> list[str]:
    """``file:line module`` for each import of a conftest module in ``path``."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom):
            modules = [node.module or ""]
        elif isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        else:
            continue
        for module in modules:
            if module.split(".")[-1] == "conftest":
                found.append(f"{path.relative_to(root)}:{node.lineno} {module}")
    return found


def test_no_test_or_helper_imports_a_conftest_file() -> None:
    checked = [*TESTS.rglob("*.py"), *(ROOT / "bench").rglob("*.py")]
    offenders = [line for path in checked for line in conftest_imports(path)]
    assert offenders == []


def test_the_check_finds_both_ways_of_importing_a_conftest_file(tmp_path: Path) -> None:
    sample = tmp_path / "test_sample.py"
    sample.write_text(
        "from tests.conftest import FixedClock\n"
        "from tests.support.clock import FixedClock as Clock\n"
        "def helper():\n"
        "    import tests.scenario.slack.conftest\n",
        encoding="utf-8",
    )
    assert conftest_imports(sample, tmp_path) == [
        "test_sample.py:1 tests.conftest",
        "test_sample.py:4 tests.scenario.slack.conftest",
    ]
