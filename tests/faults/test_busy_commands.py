"""Slash commands while another process holds the database for longer than Slack waits.

Bolt answers a command only once its listener has acked, and runs listeners on a few
threads. If those threads also did the slow part (the database, the Web API), a burst
of commands while the database is held elsewhere (a long ``creditbot import``) would
fill them all, and the later commands would never be acked within Slack's 3 s (Bolt
answers 404, Slack tells the person the command failed). And Slack never sends a
command again: work left waiting for the database would be carried out long after the
person gave up, or lost if serve died meanwhile. Here sixteen ``/credit`` commands
arrive at once while a second connection (as another process would) holds SQLite's
write lock: every one is acked, every person is told privately, within seconds, that the
bot is busy and nothing was changed, and nothing is carried out later. Once the lock
is released, the same command works as always.

SQLite only, like tests/faults/test_sqlite_busy.py: the held lock is SQLite's.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from bot.runtime import Runtime
from scoring.models import Identity, IdentityKind
from storage.tables import CreditRow, columns
from tests.faults.test_sqlite_busy import command
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.concurrency import all_at_once, wait_for
from tests.support.serving import RunningApp
from tests.support.sqlite import sqlite_runtime

COMMANDS = 16  # twice as many as Bolt has threads

_credit = columns(CreditRow)


@pytest.fixture
def runtime(tmp_path: Path, config_data: dict[str, Any], clock: FixedClock) -> Iterator[Runtime]:
    runtime = sqlite_runtime(tmp_path, config_data, clock)
    yield runtime
    runtime.close()


def _credits_of_alice(runtime: Runtime) -> list[str]:
    with runtime.reader() as uow:
        alice = uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE"))
        if alice is None:
            return []
        query = select(_credit.note).where(_credit.member_id == alice.id)
        return [str(note) for note in uow.session.execute(query).scalars()]


BUSY = "The bot is busy right now; nothing was changed. Please try again in a minute."


def test_commands_sent_while_the_database_is_held_are_refused_privately_and_change_nothing(
    tmp_path: Path,
    live_app: RunningApp,
    slack_api: SlackApiStandIn,
    caplog: pytest.LogCaptureFixture,
) -> None:
    runtime = live_app.runtime
    writer = sqlite3.connect(tmp_path / "creditbot.db", isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")  # another writer, busy for longer than Slack waits
    try:
        codes = all_at_once([lambda n=n: command(live_app, slack_api, n) for n in range(COMMANDS)])
        assert codes == [200] * COMMANDS  # all acked: none left without an answer (404)
        wait_for(
            "every command to be answered",
            lambda: len(slack_api.calls_to(RESPONSE_URL)) >= COMMANDS,
        )
        live_app.drain()
        replies = slack_api.calls_to(RESPONSE_URL)
        assert [reply["text"] for reply in replies] == [BUSY] * COMMANDS
        assert {reply["response_type"] for reply in replies} == {"ephemeral"}
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    live_app.drain()
    assert len(slack_api.calls_to(RESPONSE_URL)) == COMMANDS  # none carried out later
    assert _credits_of_alice(runtime) == []

    assert command(live_app, slack_api, COMMANDS) == 200  # the database free: as always
    wait_for("the command to be answered", lambda: len(slack_api.calls_to(RESPONSE_URL)) > COMMANDS)
    live_app.drain()
    assert slack_api.calls_to(RESPONSE_URL)[-1]["text"] == (
        f"Credited <@U0ALICE> with *code*, 3 points: fixed build {COMMANDS}"
    )
    assert _credits_of_alice(runtime) == [f"fixed build {COMMANDS}"]
    assert "locked" not in caplog.text.lower()
