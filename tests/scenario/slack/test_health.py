"""``/healthz`` of the serve process (bot/app.py): 200 with the backlog while this replica
can store what it receives, a 503 only once it cannot."""

from __future__ import annotations

import json

from bot.app import build_process
from bot.runtime import Runtime
from tests.support.slack import thank_alice_event


def test_healthz_reports_the_backlog_and_is_a_503_only_when_events_cannot_be_stored(
    slack_runtime: Runtime,
) -> None:
    process = build_process(slack_runtime, event_workers=0, timed=False)
    try:
        status, body = process.health()
        assert status == 200
        assert body == {
            "status": "ok",
            "backlog": {"spooled": 0, "inbox_pending": 0},
            "oldest_unhandled_seconds": None,
            "workers": [{"in_process": True}],
        }
        if process.slack.spool is not None:  # SQLite: an event waiting in the spool
            process.slack.spool.add([json.dumps(thank_alice_event() | {"event_time": 1})])
            status, body = process.health()
            assert status == 200  # a backlog is no reason to take this replica out
            assert body["backlog"]["spooled"] == 1
            assert body["oldest_unhandled_seconds"] > 0
        process.slack.recorder.close()  # it takes no more events: it cannot store them
        status, body = process.health()
        assert status == 503
        assert body["status"] == "busy"
    finally:
        process.slack.close()
        process.executors.shutdown()
