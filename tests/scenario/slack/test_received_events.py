"""Events over HTTP: in the inbox before the ack, handled after it by a bounded worker.

Whatever happens to the worker (its queue full, stopped, or the process gone with
events in memory), an acknowledged event stays in the inbox until it is handled, and
it is handled once.
"""

from __future__ import annotations

import fcntl
import json
import sqlite3
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select

from bot.services.inbox import EventOutcome
from bot.slack.handlers.events import CLAIM_SECONDS
from bot.slack.handlers.services import process_pending_slack
from storage.spool import EventSpool
from storage.tables import ActivityRow, InboxRow, columns
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import HELP, REVIEW, add_help_thread, payload, thank_alice_event
from tests.support.stored import stored

_inbox = columns(InboxRow)
_activity = columns(ActivityRow)
AUTHORS = ["U0BOB", "U0ALICE", "U0DMITRI", "U01LEAD"]


def _message(n: int) -> dict[str, Any]:
    """A plain thread reply (activity, no thanks), each with its own event id."""
    envelope = payload("event_message_thread_reply")
    envelope["event_id"] = f"Ev0PLAIN{n:04d}"
    ts = f"1793522{n:03d}.000100"
    envelope["event"].update(
        {"user": AUTHORS[n % len(AUTHORS)], "text": "Which version are you on?", "ts": ts}
    )
    envelope["event"]["event_ts"] = ts
    return envelope


def _inbox_statuses(app: RunningApp) -> dict[str, int]:
    with app.runtime.reader() as uow:
        rows = uow.session.execute(
            select(_inbox.status, func.count()).group_by(_inbox.status)
        ).all()
    return {str(status): int(count) for status, count in rows}


def _messages_counted(app: RunningApp) -> int:
    with app.runtime.reader() as uow:
        total = uow.session.execute(
            select(func.sum(_activity.count)).where(_activity.kind == "slack_message")
        ).scalar_one()
    return int(total or 0)


@pytest.fixture
def app(app: RunningApp) -> RunningApp:
    """The app storing events straight into the inbox (PostgreSQL's way, having no
    spool); the tests of the spool give it one."""
    if app.slack.spool is not None:
        app.slack.spool.close()
        app.slack.spool = None
    return app


def _stop_the_worker(app: RunningApp) -> None:
    """The worker stops (as when the process is going away): nothing handles events."""
    app.slack.events.close()


def test_an_event_is_acknowledged_once_recorded_and_handled_later(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    _stop_the_worker(app)
    response = app.send(json.dumps(thank_alice_event()).encode(), "application/json")
    assert response.status_code == 200
    # Acknowledged with nothing done yet but the inbox entry, waiting to be handled.
    assert stored(app.runtime) == {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 1}
    assert _inbox_statuses(app) == {"pending": 1}
    assert slack_api.posts_to(REVIEW) == []
    # The retry job of serve (or another replica) handles it, once.
    (outcome,) = process_pending_slack(app.runtime, app.slack.gateway)
    assert outcome.status == "done"
    assert process_pending_slack(app.runtime, app.slack.gateway) == []
    assert len(slack_api.posts_to(REVIEW)) == 1
    assert _inbox_statuses(app) == {"done": 1}


def test_a_redelivery_while_the_first_copy_waits_is_recorded_once(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    _stop_the_worker(app)
    body = json.dumps(thank_alice_event()).encode()
    first = app.send(body, "application/json")
    again = app.send(body, "application/json", headers={"X-Slack-Retry-Num": "1"})
    assert (first.status_code, again.status_code) == (200, 200)
    assert _inbox_statuses(app) == {"pending": 1}
    assert len(process_pending_slack(app.runtime, app.slack.gateway)) == 1
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_events_beyond_a_full_queue_stay_in_the_inbox_and_are_each_handled_once(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.slack.events.capacity = 0  # no room: every event is left waiting in the inbox
    envelopes = [thank_alice_event(), *(_message(n) for n in range(7))]
    for envelope in envelopes:
        assert app.send(json.dumps(envelope).encode(), "application/json").status_code == 200
    app.drain()  # the worker catches up with the inbox once it has nothing else to do
    assert _inbox_statuses(app) == {"done": 8}
    assert _messages_counted(app) == 8  # each message counted once
    assert len(slack_api.posts_to(REVIEW)) == 1
    # Slack sending them all again changes nothing.
    for envelope in envelopes:
        app.event(envelope, retry_num=1)
    assert _inbox_statuses(app) == {"done": 8}
    assert _messages_counted(app) == 8
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_events_left_waiting_are_handled_once_when_two_handlers_take_them_at_once(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    _stop_the_worker(app)
    envelopes = [thank_alice_event(), *(_message(n) for n in range(11))]
    for envelope in envelopes:
        assert app.send(json.dumps(envelope).encode(), "application/json").status_code == 200
    assert _inbox_statuses(app) == {"pending": 12}
    # Two processes' retry jobs (or this one's worker and its retry job) at the same time.
    start = threading.Barrier(2)
    outcomes: list[list[EventOutcome]] = []

    def handle_pending() -> None:
        start.wait(timeout=10)
        outcomes.append(process_pending_slack(app.runtime, app.slack.gateway))

    handlers = [threading.Thread(target=handle_pending) for _ in range(2)]
    for handler in handlers:
        handler.start()
    for handler in handlers:
        handler.join(timeout=60)
    assert sum(len(o) for o in outcomes) == 12
    assert _inbox_statuses(app) == {"done": 12}
    assert _messages_counted(app) == 12
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_an_event_held_by_a_process_that_died_is_handled_once_its_claim_expires(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    envelope = thank_alice_event()
    events = app.slack.services.events
    # Recorded and acknowledged, held for this process's worker, which never got to it.
    (entry_id,) = events.receive([(envelope, json.dumps(envelope), True)])
    assert entry_id is not None
    assert process_pending_slack(app.runtime, app.slack.gateway) == []  # still held
    assert slack_api.posts_to(REVIEW) == []
    later = app.runtime.now() + timedelta(seconds=CLAIM_SECONDS + 1)
    app.runtime.clock.set(later)  # type: ignore[attr-defined]
    (outcome,) = process_pending_slack(app.runtime, app.slack.gateway)
    assert outcome.status == "done"
    assert process_pending_slack(app.runtime, app.slack.gateway) == []
    assert len(slack_api.posts_to(REVIEW)) == 1
    assert _inbox_statuses(app) == {"done": 1}


def test_an_event_that_needs_nothing_after_all_is_marked_done_without_effects(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    # A reaction Slack says nothing about the author of: the message must be read to
    # see it is a bot's, so it is recorded first, then found to need nothing.
    slack_api.add_message(
        HELP, "1793521500.000100", None, "Build 42 passed", bot_id="B0CI", subtype="bot_message"
    )
    envelope = payload("event_reaction_added")
    envelope["event"].update({"user": "U0BOB", "reaction": "raised_hands"})
    envelope["event"].pop("item_user", None)
    envelope["event"]["item"]["ts"] = "1793521500.000100"
    assert app.event(envelope).status_code == 200
    assert stored(app.runtime) == {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 1}
    assert _inbox_statuses(app) == {"done": 1}
    assert process_pending_slack(app.runtime, app.slack.gateway) == []


def test_an_event_that_cannot_be_stored_in_time_gets_a_503_never_a_200(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.slack.recorder.wait = 0.2  # Slack's patience is 3 s; the test need not wait so long
    envelope = thank_alice_event()
    with app.runtime.uow() as holder:  # another writer holds the write lock meanwhile
        holder.inbox.record("test", "holding-the-lock", "test", "{}", app.runtime.now())
        response = app.send(json.dumps(envelope).encode(), "application/json")
        assert response.status_code == 503  # not stored: Slack sends it again
        assert _inbox_statuses(app) == {}
        holder.rollback()
    app.drain()  # the one try already queued goes ahead once the lock is free
    assert app.event(envelope, retry_num=1).status_code == 200  # Slack's retry
    app.drain()
    assert _inbox_statuses(app) == {"done": 1}
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_with_a_spool_an_event_is_stored_and_acknowledged_while_the_database_is_locked(
    app: RunningApp, slack_api: SlackApiStandIn, tmp_path: Path
) -> None:
    # SQLite: as every serve does, one process or several (storage.spool).
    app.slack.spool = spool = EventSpool(tmp_path / "events.spool")
    add_help_thread(slack_api)
    app.slack.recorder.wait = 0.2
    envelope = thank_alice_event()
    with app.runtime.uow() as holder:
        holder.inbox.record("test", "holding-the-lock", "test", "{}", app.runtime.now())
        response = app.send(json.dumps(envelope).encode(), "application/json")
        assert response.status_code == 200
        assert len(spool.oldest(10)) == 1  # stored before the 200: a crash now loses nothing
        assert slack_api.posts_to(REVIEW) == []
        holder.rollback()
    app.drain()  # moved into the inbox once the lock is free, then handled
    assert _inbox_statuses(app) == {"done": 1}
    assert spool.oldest(10) == []
    assert len(slack_api.posts_to(REVIEW)) == 1
    app.event(envelope, retry_num=1)  # a redelivery changes nothing
    app.drain()
    assert len(slack_api.posts_to(REVIEW)) == 1


@contextmanager
def _another_program_writing(spool: EventSpool) -> Iterator[None]:
    """A writer that takes no turn (the ``sqlite3`` shell, say): SQLite's lock only."""
    writer = sqlite3.connect(spool.path, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    try:
        yield
    finally:
        writer.execute("ROLLBACK")
        writer.close()


@contextmanager
def _a_worker_taking_its_turn(spool: EventSpool) -> Iterator[None]:
    """An event worker process between taking the writers' turn and letting it go."""
    with open(spool.path.with_name(spool.path.name + ".writer-lock")) as turn:
        fcntl.flock(turn, fcntl.LOCK_EX)
        yield


@pytest.mark.parametrize("holder", [_another_program_writing, _a_worker_taking_its_turn])
def test_with_the_spool_held_by_another_writer_an_event_gets_a_503_and_its_retry_counts_once(
    app: RunningApp,
    slack_api: SlackApiStandIn,
    tmp_path: Path,
    holder: Callable[[EventSpool], Any],
) -> None:
    app.slack.spool = spool = EventSpool(tmp_path / "events.spool")
    add_help_thread(slack_api)
    app.slack.recorder.wait = 0.2  # Slack's patience is 3 s; the test need not wait so long
    assert app.event(_message(0)).status_code == 200  # the spool free: stored, acked
    envelope = thank_alice_event()
    with holder(spool):
        response = app.send(json.dumps(envelope).encode(), "application/json")
        assert response.status_code == 503  # not stored: Slack sends it again
    app.drain()  # the one try already queued goes ahead once the spool is free
    assert app.event(envelope, retry_num=1).status_code == 200  # Slack's retry
    app.drain()
    assert _inbox_statuses(app) == {"done": 2}
    assert spool.oldest(10) == []
    assert len(slack_api.posts_to(REVIEW)) == 1
    spool.close()


def test_when_too_many_events_wait_to_be_stored_slack_is_asked_to_send_again(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.slack.recorder.capacity = 0
    response = app.send(json.dumps(thank_alice_event()).encode(), "application/json")
    assert response.status_code == 503
    app.drain()
    assert stored(app.runtime) == {"credits": 0, "suggestions": 0, "outbox": 0, "inbox": 0}
    app.slack.recorder.capacity = 10
    assert app.event(thank_alice_event(), retry_num=1).status_code == 200
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_events_for_the_event_workers_wait_in_the_spool_and_reach_the_inbox_once(
    app: RunningApp, slack_api: SlackApiStandIn, tmp_path: Path
) -> None:
    # As ``serve`` does on SQLite when worker processes handle the events.
    spool = EventSpool(tmp_path / "events.spool")
    app.slack.spool, app.slack.handled_elsewhere = spool, True
    add_help_thread(slack_api)
    envelopes = [thank_alice_event(), *(_message(n) for n in range(4))]
    for envelope in envelopes:
        assert app.send(json.dumps(envelope).encode(), "application/json").status_code == 200
    # Slack sends two again before any worker looked: both copies are spooled.
    app.event(envelopes[0], retry_num=1)
    app.event(envelopes[3], retry_num=1)
    app.drain()
    assert len(spool.oldest(100)) == 7
    assert _inbox_statuses(app) == {}
    # A worker killed after moving some into the inbox and before forgetting them...
    first = spool.oldest(3)
    app.slack.services.events.receive([(json.loads(body), body, False) for _id, body in first])
    # ...and the next one moving everything: each event in the inbox once.
    assert app.slack.services.events.take_spooled(spool) == 7
    assert spool.oldest(100) == []
    assert app.slack.services.events.take_spooled(spool) == 0
    assert _inbox_statuses(app) == {"pending": 5}
    assert len(process_pending_slack(app.runtime, app.slack.gateway)) == 5
    assert _inbox_statuses(app) == {"done": 5}
    assert _messages_counted(app) == 5
    assert len(slack_api.posts_to(REVIEW)) == 1
    spool.close()


def test_events_a_stopping_handler_claimed_but_did_not_handle_are_due_again_at_once(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    # A handler claims the due entries it read in one transaction (not one each).
    _stop_the_worker(app)
    for n in range(5):
        assert app.send(json.dumps(_message(n)).encode(), "application/json").status_code == 200
    assert _inbox_statuses(app) == {"pending": 5}
    events = app.slack.services.events
    bot_user_id = app.slack.gateway.who_am_i().get("user_id")
    asked: list[bool] = []

    def stop() -> bool:  # asked to stop after two events (serve shutting down, say)
        asked.append(True)
        return len(asked) > 2

    assert len(events.process_pending(bot_user_id, 20, stop=stop)) == 2
    assert _inbox_statuses(app) == {"done": 2, "pending": 3}
    # Same moment, no lease expired: the three it gave back are taken at once, each once.
    assert len(events.process_pending(bot_user_id, 20)) == 3
    assert events.process_pending(bot_user_id, 20) == []
    assert _inbox_statuses(app) == {"done": 5}
    assert _messages_counted(app) == 5


def _five_messages_waiting(app: RunningApp) -> None:
    """Five plain messages acknowledged and left in the inbox (no worker handles them)."""
    _stop_the_worker(app)
    for n in range(5):
        assert app.send(json.dumps(_message(n)).encode(), "application/json").status_code == 200


def _past_the_lease(app: RunningApp) -> None:
    later = app.runtime.now() + timedelta(seconds=CLAIM_SECONDS + 1)
    app.runtime.clock.set(later)  # type: ignore[attr-defined]


def _the_three_left_handled_once(app: RunningApp) -> None:
    """Five plain messages, two handled: the next handler takes the other three, once."""
    events = app.slack.services.events
    bot_user_id = app.slack.gateway.who_am_i().get("user_id")
    assert len(events.process_pending(bot_user_id, 20)) == 3
    assert events.process_pending(bot_user_id, 20) == []
    assert _inbox_statuses(app) == {"done": 5}
    assert _messages_counted(app) == 5


def test_events_a_handler_claimed_and_died_holding_are_handled_once_after_the_lease(
    app: RunningApp, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A handler claims five due entries in one go and dies (kill -9) after two of them:
    # it releases nothing, so the three it held wait for the lease, then are handled once.
    _five_messages_waiting(app)
    events = app.slack.services.events
    bot_user_id = app.slack.gateway.who_am_i().get("user_id")
    handle_entry, handled = events.handle_entry, []

    def dies_after_two(entry_id: int, envelope: Any, bot: str | None) -> Any:
        if len(handled) == 2:
            raise SystemExit("killed")  # no clean-up of any kind
        handled.append(entry_id)
        return handle_entry(entry_id, envelope, bot)

    monkeypatch.setattr(events, "handle_entry", dies_after_two)
    with pytest.raises(SystemExit):
        events.process_pending(bot_user_id, 20)
    monkeypatch.setattr(events, "handle_entry", handle_entry)
    assert _inbox_statuses(app) == {"done": 2, "pending": 3}
    assert events.process_pending(bot_user_id, 20) == []  # still claimed by the dead one
    _past_the_lease(app)
    _the_three_left_handled_once(app)


def test_events_whose_lease_ran_out_mid_batch_are_handled_once_by_whoever_finishes_first(
    app: RunningApp, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # A slow handler's lease runs out half-way through its batch: another takes the
    # rest and handles it; the slow one, going on, changes nothing more.
    add_help_thread(slack_api)
    _stop_the_worker(app)
    envelopes = [thank_alice_event(), *(_message(n) for n in range(4))]
    for envelope in envelopes:
        assert app.send(json.dumps(envelope).encode(), "application/json").status_code == 200
    events = app.slack.services.events
    bot_user_id = app.slack.gateway.who_am_i().get("user_id")
    handle_entry, seen, other = events.handle_entry, [], []

    def slow(entry_id: int, envelope: Any, bot: str | None) -> Any:
        seen.append(entry_id)
        if len(seen) == 2:  # two minutes later, another handler looks
            _past_the_lease(app)
            monkeypatch.setattr(events, "handle_entry", handle_entry)
            other.extend(events.process_pending(bot_user_id, 20))
            monkeypatch.setattr(events, "handle_entry", slow)
        return handle_entry(entry_id, envelope, bot)

    monkeypatch.setattr(events, "handle_entry", slow)
    mine = events.process_pending(bot_user_id, 20)
    assert len(other) == 4  # the entry in hand, and the three after it
    assert [o.status for o in mine].count("done") == 1
    assert _inbox_statuses(app) == {"done": 5}
    assert _messages_counted(app) == 5  # the thank-you is a message too: each once
    assert len(slack_api.posts_to(REVIEW)) == 1


def test_serve_closing_during_a_catch_up_stops_after_the_event_in_hand_and_gives_back_the_rest(
    app: RunningApp, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Five events left waiting in the inbox; the worker catches up (claiming them all in
    # one go) and serve closes while it handles the second: it stops after that one, and
    # the three it claimed but did not handle are due at once for the next process, not
    # held for a lease by a process that is gone.
    events, worker = app.slack.services.events, app.slack.events
    handle_entry, handled = events.handle_entry, []
    closing = threading.Thread(target=worker.close)
    asked = threading.Event()

    def close_during_the_second(entry_id: int, envelope: Any, bot: str | None) -> Any:
        handled.append(entry_id)
        if len(handled) == 2:  # serve stops now (a deploy, say)
            closing.start()
            while worker.room():  # no room once it is closing
                asked.wait(0.01)
            asked.set()
        return handle_entry(entry_id, envelope, bot)

    monkeypatch.setattr(events, "handle_entry", close_during_the_second)
    events.receive([(_message(n), json.dumps(_message(n)), False) for n in range(5)])
    worker.left_waiting()
    assert asked.wait(10)
    closing.join(10)  # close() returns once the worker's thread has stopped
    assert not closing.is_alive()
    monkeypatch.setattr(events, "handle_entry", handle_entry)
    assert len(handled) == 2
    assert _inbox_statuses(app) == {"done": 2, "pending": 3}
    # The next process, at the same moment: the three are due, and each handled once.
    _the_three_left_handled_once(app)


def test_a_stopping_handler_whose_lease_ran_out_gives_back_nothing_another_has_claimed(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    # A slow handler's lease runs out; another claims the entries it has not reached;
    # then the slow one is asked to stop: what it gives back is only what is still its
    # own, so a third handler does not take entries the second one holds.
    _five_messages_waiting(app)
    events = app.slack.services.events
    bot_user_id = app.slack.gateway.who_am_i().get("user_id")
    asked: list[bool] = []

    def stop() -> bool:
        asked.append(True)
        if len(asked) == 3:  # two handled, slowly: another handler claims the rest
            _past_the_lease(app)
            now = app.runtime.now()
            with app.runtime.uow() as uow:
                rest = [e.id for e in uow.inbox.due("slack", now, 20)]
                claimed = uow.inbox_claims.claim_many(rest, now, now + timedelta(seconds=120))
                uow.commit()
            assert len(claimed) == 3
        return len(asked) >= 3

    assert len(events.process_pending(bot_user_id, 20, stop=stop)) == 2
    assert events.process_pending(bot_user_id, 20) == []  # the second handler holds them
    _past_the_lease(app)
    _the_three_left_handled_once(app)


def test_serves_retry_of_waiting_events_stops_with_the_slack_app_and_gives_back_the_rest(
    app: RunningApp, slack_api: SlackApiStandIn, monkeypatch: pytest.MonkeyPatch
) -> None:
    # serve's every-minute retry claims the five waiting entries in one go; the Slack app
    # starts closing while the retry handles the second: it stops after that one, and
    # the three it claimed are due at once for the next process, not held by a lease.
    from bot.app import retry_slack_events

    _five_messages_waiting(app)
    events = app.slack.services.events
    handle_entry, handled = events.handle_entry, []

    def close_during_the_second(entry_id: int, envelope: Any, bot: str | None) -> Any:
        handled.append(entry_id)
        if len(handled) == 2:  # serve stops now: SlackApp.close() begins with this
            app.slack.closing.set()
        return handle_entry(entry_id, envelope, bot)

    monkeypatch.setattr(events, "handle_entry", close_during_the_second)
    retry_slack_events(app.slack)()
    monkeypatch.setattr(events, "handle_entry", handle_entry)
    assert len(handled) == 2
    assert _inbox_statuses(app) == {"done": 2, "pending": 3}
    _the_three_left_handled_once(app)


def test_closing_the_slack_app_tells_work_in_hand_to_stop(app: RunningApp) -> None:
    assert not app.slack.closing.is_set()
    app.slack.close()
    assert app.slack.closing.is_set()
