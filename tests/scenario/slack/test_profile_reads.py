"""Reading a Slack profile again changes the public pages only when the profile did.

A member's profile is read again after ``slack.profile_refresh_days``; when nothing the
public pages show changed, their cached copies stay valid (``If-None-Match`` -> 304).
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from tests.standins.slack_api import SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import add_help_thread, thank_alice_event


def _top_level(event_id: str, ts: str) -> dict[str, Any]:
    """A message by Dmitri outside any thread (no thank-you)."""
    envelope = thank_alice_event(event_id, text="morning all")
    del envelope["event"]["thread_ts"], envelope["event"]["parent_user_id"]
    envelope["event"]["ts"] = ts
    return envelope


def test_a_profile_read_again_unchanged_leaves_the_cached_public_pages_valid(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    app.event(_top_level("Ev0READ000001", "1793521000.000100"))
    clock.set(clock.now + timedelta(days=8))  # past the refresh period: read again
    page = app.http.get("/partners")
    assert page.status_code == 200
    app.event(_top_level("Ev0READ000002", "1793522000.000100"))
    assert len(slack_api.calls_to("users.info")) == 2
    again = app.http.get("/partners", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304


def test_a_profile_read_again_as_a_bot_changes_the_public_pages(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    app.event(_top_level("Ev0READ000011", "1793521000.000100"))
    clock.set(clock.now + timedelta(days=8))
    page = app.http.get("/partners")
    slack_api.users["U0DMITRI"]["is_bot"] = True  # an account turned into an integration
    app.event(_top_level("Ev0READ000012", "1793522000.000100"))
    again = app.http.get("/partners", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 200
    assert again.headers["etag"] != page.headers["etag"]
