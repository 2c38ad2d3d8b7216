"""Reading Slack profiles: how often Slack is asked, and what a read changes.

A member's profile is read again after ``slack.profile_refresh_days``; when nothing the
public pages show changed, their cached copies stay valid (``If-None-Match`` -> 304).
Slack's answers about a person (a profile, or ``user_not_found``) are kept for a few
minutes, so a busy thread does not ask about the same people on every message.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from bot.slack.handlers.profile_cache import PROFILE_SECONDS
from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import REVIEW, add_help_thread, thank_alice_event


def _from_dmitri(event_id: str, ts: str, *, thanks: bool = False) -> dict[str, Any]:
    """Dmitri's message: a thanks in the help thread naming no one (the thread tells who
    helped), or one outside any thread."""
    envelope = thank_alice_event(event_id, text="thanks, that fixed it!" if thanks else "hi")
    if not thanks:
        del envelope["event"]["thread_ts"], envelope["event"]["parent_user_id"]
    envelope["event"]["ts"] = envelope["event"]["event_ts"] = ts
    return envelope


def test_a_profile_read_again_unchanged_leaves_the_cached_public_pages_valid(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    app.event(_from_dmitri("Ev0READ000001", "1793521000.000100"))
    clock.set(clock.now + timedelta(days=8))  # past the refresh period: read again
    page = app.http.get("/partners")
    assert page.status_code == 200
    app.event(_from_dmitri("Ev0READ000002", "1793522000.000100"))
    assert len(slack_api.calls_to("users.info")) == 2
    again = app.http.get("/partners", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 304


def test_a_profile_read_again_as_a_bot_changes_the_public_pages(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    app.event(_from_dmitri("Ev0READ000011", "1793521000.000100"))
    clock.set(clock.now + timedelta(days=8))
    page = app.http.get("/partners")
    slack_api.users["U0DMITRI"]["is_bot"] = True  # an account turned into an integration
    app.event(_from_dmitri("Ev0READ000012", "1793522000.000100"))
    again = app.http.get("/partners", headers={"If-None-Match": page.headers["etag"]})
    assert again.status_code == 200
    assert again.headers["etag"] != page.headers["etag"]


def test_people_in_a_busy_thread_are_asked_about_once_while_their_names_are_fresh(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    app.event(_from_dmitri("Ev0READ000021", "1793521900.000100", thanks=True))
    asked = sorted(call["user"] for call in slack_api.calls_to("users.info"))
    assert asked == ["U0ALICE", "U0DMITRI"]  # their names, and Dmitri's profile: once
    assert len(slack_api.posts_to(REVIEW)) == 1
    app.event(_from_dmitri("Ev0READ000022", "1793521960.000100", thanks=True))
    assert len(slack_api.calls_to("users.info")) == 2  # the same people: not asked again
    clock.set(clock.now + timedelta(seconds=PROFILE_SECONDS + 1))
    app.event(_from_dmitri("Ev0READ000023", "1793522500.000100", thanks=True))
    assert len(slack_api.calls_to("users.info")) == 4  # both names read again


def test_someone_slack_does_not_know_is_asked_about_once_per_few_minutes(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    add_help_thread(slack_api)
    for n in (1, 2):  # a person from another workspace, in a shared channel
        envelope = _from_dmitri(f"Ev0READ00003{n}", f"179352100{n}.000100")
        envelope["event"]["user"] = "U0ELSEWHERE"
        assert app.event(envelope).status_code == 200
    assert slack_api.calls_to("users.info") == [{"user": "U0ELSEWHERE"}]
    clock.set(clock.now + timedelta(seconds=PROFILE_SECONDS + 1))
    envelope = _from_dmitri("Ev0READ000033", "1793521003.000100")
    envelope["event"]["user"] = "U0ELSEWHERE"
    app.event(envelope)
    assert len(slack_api.calls_to("users.info")) == 2
    with app.runtime.reader() as uow:  # never a member: Slack does not describe them
        assert uow.members.find(Identity(IdentityKind.SLACK, "U0ELSEWHERE")) is None


def test_slack_unable_to_describe_someone_for_now_is_asked_again_at_the_retry(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    # users.info refused as ratelimited (an answer, not a 429): the event waits for its
    # retry, and that retry asks Slack again (a passing refusal is not kept).
    slack_api.fail("users.info", 200, times=1, error="ratelimited")
    assert app.event(_from_dmitri("Ev0READ000041", "1793521001.000100")).status_code == 200
    asked = len(slack_api.calls_to("users.info"))
    with app.runtime.reader() as uow:
        assert uow.members.find(Identity(IdentityKind.SLACK, "U0DMITRI")) is None
    clock.set(clock.now + timedelta(seconds=PROFILE_SECONDS - 1))  # past the retry's wait
    events = app.slack.services.events  # the one that read Slack the first time
    events.process_pending(app.slack.gateway.who_am_i().get("user_id"))
    assert len(slack_api.calls_to("users.info")) > asked
    with app.runtime.reader() as uow:
        assert uow.members.find(Identity(IdentityKind.SLACK, "U0DMITRI")) is not None
