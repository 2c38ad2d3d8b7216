"""The ``creditbot`` console script after an import (which ends without the
interpreter's teardown): its summary and its error line reach a pipe, the exit code
is 0 or 1, and a process started without an output stream (a cron line ending in
``>&-``) still ends well once the credits are stored."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.runtime import Runtime
from storage.tables import CreditRow
from tests.support.processes import PYTHON_CREDITBOT, Creditbot

pytestmark = pytest.mark.databases("sqlite")

#: The installed console script (what a user runs); else the same ``run()`` by Python.
SCRIPT = Path(sys.executable).with_name("creditbot")
COMMAND = [str(SCRIPT)] if SCRIPT.exists() else PYTHON_CREDITBOT


def _file(tmp_path: Path, member: str) -> Path:
    path = tmp_path / "credits.jsonl"
    line = {"member": member, "type": "code", "at": "2026-02-03T10:00:00Z", "ref": "r1"}
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def _run(creditbot: Creditbot, *args: str, closed: tuple[int, ...] = ()) -> Any:
    env = {k: v for k, v in creditbot.env.items() if k != "PYTHONUNBUFFERED"}

    def close_streams() -> None:  # pragma: no cover - runs in the child
        for fd in closed:
            os.close(fd)

    return subprocess.run(
        [*COMMAND, *args],
        env=env,
        cwd=creditbot.folder,
        stdout=None if 1 in closed else subprocess.PIPE,
        stderr=None if 2 in closed else subprocess.PIPE,
        text=True,
        timeout=120,
        preexec_fn=close_streams,
    )


def _credits(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        return int(uow.session.execute(select(func.count()).select_from(CreditRow)).scalar_one())


def test_a_successful_import_prints_its_summary_to_a_pipe_and_exits_0(
    creditbot: Creditbot, runtime: Runtime, tmp_path: Path
) -> None:
    done = _run(creditbot, "import", str(_file(tmp_path, "ada@acme.example")))
    assert (done.returncode, done.stdout, done.stderr) == (
        0,
        "1 lines: 1 credits added, 0 already known, 1 new members\n",
        "",
    )


def test_a_failed_import_prints_one_line_to_a_pipe_and_exits_1(
    creditbot: Creditbot, runtime: Runtime, tmp_path: Path
) -> None:
    path = _file(tmp_path, "U0NOBODY1")
    done = _run(creditbot, "import", str(path))
    assert (done.returncode, done.stdout) == (1, "")
    assert done.stderr == (
        f"creditbot: {path}:1: no member known as slack 'U0NOBODY1' "
        "(an unknown e-mail address creates the member)\n"
    )
    assert _credits(runtime) == 0


@pytest.mark.parametrize("closed", [(1,), (2,), (1, 2)], ids=["stdout", "stderr", "both"])
def test_an_import_started_without_an_output_stream_stores_the_credits_and_exits_0(
    creditbot: Creditbot, runtime: Runtime, tmp_path: Path, closed: tuple[int, ...]
) -> None:
    done = _run(creditbot, "import", str(_file(tmp_path, "ada@acme.example")), closed=closed)
    assert done.returncode == 0, done.stderr
    assert not done.stderr  # no traceback
    assert _credits(runtime) == 1
