"""A command that waits for SQLite's writer lock held by another process (a process
left behind by a killed ``serve``, say) never waits silently: it says which process holds
the lock, keeps waiting, and goes on once the lock is free."""

from __future__ import annotations

import fcntl
import os
from pathlib import Path

import pytest

from bot.runtime import Runtime
from storage.engine import beside_sqlite_file
from tests.support.concurrency import wait_for
from tests.support.databases import database_url
from tests.support.processes import Creditbot


def test_a_command_waiting_for_the_writer_lock_says_which_process_holds_it(
    runtime: Runtime, creditbot: Creditbot, tmp_path: Path
) -> None:
    lock = beside_sqlite_file(database_url(tmp_path), ".writer-lock")
    if lock is None:
        pytest.skip("PostgreSQL has no lock file: its advisory lock waits with a time-out")
    lock.touch()
    holder = os.open(lock, os.O_RDONLY)
    fcntl.flock(holder, fcntl.LOCK_EX)  # this test process, as a stuck writer would
    try:
        adding = creditbot.start(
            "credit", "add", "--member", "ada@acme.example", "--type", "docs", "--ref", "wiki:1"
        )
        wait_for(
            "the command to name the holder", lambda: f"process {os.getpid()}" in adding.output()
        )
        assert adding.alive()  # still waiting, not failed
        assert "python" in adding.output() or "pytest" in adding.output()
    finally:
        os.close(holder)
    assert adding.wait() == 0, adding.output()
    assert "credited ada" in adding.output()
