"""Every event delivered more than once, some copies at the same moment: one effect each.

Slack redelivers an event (same ``event_id``, with ``X-Slack-Retry-Num``) when it thinks
the first delivery failed, and can deliver the original and a retry at once; Discourse
retries a webhook with a *new* ``X-Discourse-Event-Id`` and the same body. The effects
counted here would double if an event were handled twice: a message adds one to its
author's activity count of the day (not idempotent by itself), a thank-you opens a
question posted in the review channel, a team lead's confirm emoji and an accepted
solution each credit someone.

Sizes: 1,000 Slack message events on SQLite; 150 on PostgreSQL (the same code path: the
PostgreSQL run shows its locking gives the same result; 1,000 would add ~20 s there).
The Slack events go to ``creditbot serve`` in a process of its own, which is stopped
(SIGTERM) right after the last ones are acknowledged: it must finish their work first.
"""

from __future__ import annotations

import http.client
import json
import queue
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import Any

import httpx
import pytest
from sqlalchemy import func, select

from bot.discourse.gateway import make_discourse_gateway
from bot.discourse.handlers import process_pending_discourse
from bot.runtime import Runtime
from scoring.models import Identity, IdentityKind
from storage.tables import ActivityRow, CreditRow, InboxRow, SuggestionRow, columns
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.concurrency import all_at_once, wait_for
from tests.support.discourse import EVENT_TYPES, signature
from tests.support.discourse import payload as forum_payload
from tests.support.processes import Creditbot
from tests.support.serving import RunningApp
from tests.support.slack import REVIEW, payload, sign

BULK = {"sqlite": 1000, "postgresql": 150}
THREADS = 20
CONFIRMS = 20
TALK, HELP = "C0TALK", "C0HELP"
#: People who write the bulk messages: new to the bot, so each is looked up once.
AUTHORS = [
    (f"U0W{n:02d}", f"Writer {n:02d}", f"writer{n:02d}@{domain}")
    for n, domain in enumerate(["acme.example", "beta.example", "gmail.com", "example.org"] * 4)
]
RETRIES: list[dict[str, str]] = [
    {},
    {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"},
    {"X-Slack-Retry-Num": "2", "X-Slack-Retry-Reason": "http_error"},
]

_activity = columns(ActivityRow)
_inbox = columns(InboxRow)
_credit = columns(CreditRow)


def _ts(n: int) -> str:
    return f"{1793480000 + n}.000100"  # from 31 October 2026, 20:53 UTC


def _envelope(event_id: str, event: dict[str, Any]) -> dict[str, Any]:
    envelope = payload("event_message_thread_reply")
    envelope["event_id"] = event_id
    envelope["event"] = event
    envelope["event_time"] = int(float(event.get("event_ts") or event["ts"]))
    return envelope


def message_envelope(n: int) -> dict[str, Any]:
    """A plain message in #talk by one of the writers: one more message of activity."""
    user = AUTHORS[n % len(AUTHORS)][0]
    ts = _ts(n)
    event = {
        "type": "message",
        "user": user,
        "text": f"standup {n}: deployed the staging build, looking at the flaky test next",
        "ts": ts,
        "event_ts": ts,
        "channel": TALK,
        "channel_type": "channel",
        "team": "T0TEAM",
    }
    return _envelope(f"Ev0BULK{n:06d}", event)


def thanks_envelope(n: int, slack_api: SlackApiStandIn) -> dict[str, Any]:
    """Thread ``n`` in #help (a question, a writer's answer) and the asker's thanks."""
    parent, answer, thanks = _ts(50_000 + 10 * n), _ts(50_001 + 10 * n), _ts(50_002 + 10 * n)
    helper = AUTHORS[n % len(AUTHORS)][0]
    slack_api.add_message(HELP, parent, "U0DMITRI", f"Question {n}: the importer times out?")
    slack_api.add_message(
        HELP, answer, helper, f"Answer {n}: raise `import.timeout` to 120", thread_ts=parent
    )
    event = {
        "type": "message",
        "user": "U0DMITRI",
        "text": f"thanks <@{helper}>, that fixed it!",
        "ts": thanks,
        "event_ts": thanks,
        "thread_ts": parent,
        "parent_user_id": "U0DMITRI",
        "channel": HELP,
        "channel_type": "channel",
        "team": "T0TEAM",
    }
    return _envelope(f"Ev0THANKS{n:04d}", event)


def confirm_envelope(n: int, slack_api: SlackApiStandIn) -> dict[str, Any]:
    """A team lead's confirm emoji on a writer's message in #help."""
    ts = _ts(80_000 + n)
    author = AUTHORS[n % len(AUTHORS)][0]
    slack_api.add_message(HELP, ts, author, f"Tip {n}: the backup script takes --since")
    envelope = payload("event_reaction_added")
    envelope["event_id"] = f"Ev0CONFIRM{n:04d}"
    envelope["event"].update(user="U01LEAD", reaction="white_check_mark", item_user=author)
    envelope["event"]["item"] = {"type": "message", "channel": HELP, "ts": ts}
    envelope["event"]["event_ts"] = _ts(80_500 + n)
    return envelope


class SlackSender:
    """Signed ``/slack/events`` requests from any thread, over kept-alive connections."""

    def __init__(self, url: str) -> None:
        self.port = int(url.rsplit(":", 1)[1])
        self._idle: queue.SimpleQueue[http.client.HTTPConnection] = queue.SimpleQueue()
        self._all: list[http.client.HTTPConnection] = []

    def __call__(self, envelope: dict[str, Any], copy: int) -> int:
        body = json.dumps(envelope).encode()
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json",
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(body, stamp),
            **RETRIES[copy],
        }
        try:
            connection = self._idle.get_nowait()
        except queue.Empty:
            connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
            self._all.append(connection)
        connection.request("POST", "/slack/events", body=body, headers=headers)
        response = connection.getresponse()
        response.read()
        self._idle.put(connection)
        return response.status

    def close(self) -> None:
        """Close the connections (an idle one is closed by the server after 5 s anyway)."""
        while self._all:
            self._all.pop().close()
        self._idle = queue.SimpleQueue()


def _count(runtime: Runtime, *where: Any, model: Any = InboxRow) -> int:
    with runtime.reader() as uow:
        query = select(func.count()).select_from(model).where(*where)
        return int(uow.session.execute(query).scalar_one())


def _activity_by_member(runtime: Runtime, kind: str) -> dict[int, int]:
    with runtime.reader() as uow:
        rows = uow.session.execute(
            select(_activity.member_id, func.sum(_activity.count))
            .where(_activity.kind == kind)
            .group_by(_activity.member_id)
        ).all()
    return {int(member): int(total) for member, total in rows}


def _credits(runtime: Runtime) -> list[tuple[int, str, str | None, str]]:
    """(member id, type, granted by, source reference) of every credit."""
    with runtime.reader() as uow:
        rows = uow.session.execute(
            select(_credit.member_id, _credit.type, _credit.granted_by, _credit.source_ref)
        ).all()
    return [(int(m), str(t), by, str(ref)) for m, t, by, ref in rows]


def _member_id(runtime: Runtime, kind: IdentityKind, value: str) -> int:
    with runtime.reader() as uow:
        member = uow.members.find(Identity(kind, value))
    assert member is not None, f"{value} is not a member"
    return member.id


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    """The outbox worker of ``serve`` looks every 0.2 s and does not pace posts."""
    config_data["outbox"] = {"poll_seconds": 0.2, "slack_interval_seconds": 0}
    return config_data


def test_slack_events_delivered_three_times_some_at_once_have_one_effect_each(
    runtime: Runtime, creditbot: Creditbot, slack_api: SlackApiStandIn, db_backend: str
) -> None:
    for user_id, name, email in AUTHORS:
        slack_api.add_user(user_id, name, email)
    bulk = [message_envelope(n) for n in range(BULK[db_backend])]
    threads = [thanks_envelope(n, slack_api) for n in range(THREADS)]
    confirms = [confirm_envelope(n, slack_api) for n in range(CONFIRMS)]
    creditbot.point_at(slack=slack_api.url)
    serve = creditbot.serve()  # in a process of its own, as in production
    send = SlackSender(serve.url)
    events = len(bulk) + len(threads) + len(confirms)

    def handled(count: int) -> Callable[[], bool]:
        return lambda: _count(runtime, _inbox.source == "slack", _inbox.status == "done") >= count

    # Wave 1: every message's first delivery; two messages in three also get both of
    # their redeliveries right behind it, from 12 senders at once, so the copies of one
    # event are handled at the same time. Every tenth message: its three copies are
    # released together by a barrier instead.
    with ThreadPoolExecutor(max_workers=12) as senders:
        futures = []
        for n, envelope in enumerate(bulk):
            if n % 10 == 9:
                continue
            copies = [0] if n % 3 == 0 else [0, 1, 2]
            futures += [senders.submit(send, envelope, copy) for copy in copies]
        codes = [future.result() for future in futures]
    for n in range(9, len(bulk), 10):
        codes += all_at_once([lambda n=n, c=c: send(bulk[n], c) for c in range(3)])
    send.close()
    wait_for("the messages to be handled", handled(len(bulk)))
    # Wave 2: the retries of the remaining messages, after their first copy was handled
    # (Slack retrying an event whose ack it did not see); with them, the thank-yous and
    # confirm emoji, three copies of each at once (a barrier for every fourth one).
    late = [(e, copy) for n, e in enumerate(bulk) if n % 3 == 0 and n % 10 != 9 for copy in (1, 2)]
    late += [(e, copy) for n, e in enumerate(threads + confirms) if n % 4 for copy in range(3)]
    with ThreadPoolExecutor(max_workers=12) as senders:
        futures = [senders.submit(send, envelope, copy) for envelope, copy in late]
        for envelope in (threads + confirms)[::4]:
            codes += all_at_once([lambda e=envelope, c=c: send(e, c) for c in range(3)])
        codes += [future.result() for future in futures]
    send.close()
    # A deployment stops the server at once (SIGTERM): it stops taking requests, and
    # finishes the work of every event it acknowledged before it exits.
    assert serve.stop() == 0, serve.output()[-3000:]

    assert codes == [200] * (3 * events)
    # Each event once in the inbox, handled.
    assert _count(runtime, _inbox.source == "slack") == events
    assert _count(runtime, _inbox.source == "slack", _inbox.status != "done") == 0
    # Each message counted once in its author's activity (the thank-yous are Dmitri's).
    expected = Counter(AUTHORS[n % len(AUTHORS)][0] for n in range(len(bulk)))
    expected["U0DMITRI"] = THREADS
    activity = _activity_by_member(runtime, "slack_message")
    assert activity == {
        _member_id(runtime, IdentityKind.SLACK, user): total for user, total in expected.items()
    }
    # One question per thank-you, about its thread; each posted once in the review
    # channel, or still in the outbox if the server stopped before its turn came.
    assert _count(runtime, model=SuggestionRow) == THREADS
    questions = [q["blocks"][0]["text"]["text"] for q in slack_api.posts_to(REVIEW)]
    assert len(questions) == len(set(questions))
    with runtime.reader() as uow:
        outbox = {m.key: m.status for m in uow.outbox.list(limit=1000)}
    # The credited authors' DMs wait a few minutes for more credits to join them.
    notices = [k for k in outbox if k.startswith("credit-notice:")]
    assert 0 < len(notices) <= CONFIRMS and {outbox.pop(k) for k in notices} == {"pending"}
    assert len(outbox) == THREADS
    assert Counter(outbox.values()) == Counter(
        {"sent": len(questions), "pending": THREADS - len(questions)}
    )
    # One credit per confirm emoji, for the author of the message.
    credits = _credits(runtime)
    assert len(credits) == CONFIRMS
    assert Counter(member for member, _type, _by, _ref in credits) == Counter(
        _member_id(runtime, IdentityKind.SLACK, AUTHORS[n % len(AUTHORS)][0])
        for n in range(CONFIRMS)
    )
    assert {(t, by) for _m, t, by, _ref in credits} == {("support", "U01LEAD")}


# -- the forum ------------------------------------------------------------------------------
FORUM_POSTS = 60
SOLUTIONS = 3
# Few people and topics: the bot asks the forum about each (an e-mail, a topic's owner),
# at most 50 requests a minute after a burst of 5, as Discourse's API limit wants.
FORUM_USERS = [("nadia_p", 58, "nadia@acme.example"), ("esther_o", 57, "esther@beta.example")]


class ForumSender:
    """Signed ``/discourse/webhook`` deliveries, each with a new ``X-Discourse-Event-Id``."""

    def __init__(self, app: RunningApp) -> None:
        self.client = httpx.Client(base_url=app.url, timeout=30)
        self._ids = iter(range(5001, 10**9))
        self._lock = threading.Lock()

    def __call__(self, event: str, body: dict[str, Any]) -> str:
        """Deliver it; what creditbot answered (``accepted``, ``duplicate``...)."""
        raw = json.dumps(body).encode()
        with self._lock:
            event_id = next(self._ids)
        headers = {
            "Content-Type": "application/json",
            "X-Discourse-Instance": "https://forum.example.org",
            "X-Discourse-Event-Id": str(event_id),
            "X-Discourse-Event-Type": EVENT_TYPES[event],
            "X-Discourse-Event": event,
            "X-Discourse-Event-Signature": signature(raw),
        }
        response = self.client.post("/discourse/webhook", content=raw, headers=headers)
        assert response.status_code == 200, response.text
        return str(response.json()["status"])


def test_forum_webhooks_retried_with_new_event_ids_have_one_effect_each(
    live_app: RunningApp, forum: StandinDiscourse, clock: FixedClock
) -> None:
    forum.add_user("marco", "marco@gmail.com", user_id=63, name="Marco Rossi")
    for username, user_id, email in FORUM_USERS:
        forum.add_user(username, email, user_id=user_id, name=username.title())
    posts = []
    for n in range(FORUM_POSTS):
        username, user_id, _ = FORUM_USERS[n % len(FORUM_USERS)]
        posts.append(
            forum_payload(
                "post_created", id=7000 + n, post_number=2 + n, username=username, user_id=user_id
            )
        )
    solutions = []
    for n in range(SOLUTIONS):
        topic_id = 1000 + n
        forum.add_topic(topic_id, f"How do I do thing {n}?", "marco")
        username, user_id, _ = FORUM_USERS[n % len(FORUM_USERS)]
        forum.accept_answer(topic_id, 3, username)  # the payload's post 3
        solutions.append(
            forum_payload(
                "accepted_solution",
                id=8000 + n,
                topic_id=topic_id,
                topic_slug=f"how-do-i-do-thing-{n}",
                username=username,
                user_id=user_id,
            )
        )
    send = ForumSender(live_app)
    # Every webhook three times, each with a new event id: the copies of half of them
    # at the same moment, the others one after the other.
    answers: list[Counter[str]] = []
    deliveries = [("post_created", p) for p in posts] + [
        ("accepted_solution", s) for s in solutions
    ]
    for n, (event, body) in enumerate(deliveries):
        if n % 2 == 0:
            said = all_at_once([lambda e=event, b=body: send(e, b) for _ in range(3)])
        else:
            said = [send(event, body) for _ in range(3)]
        answers.append(Counter(said))
    runtime = live_app.runtime
    events = FORUM_POSTS + SOLUTIONS

    def settled() -> bool:  # each entry done, or waiting for the retry job
        return (
            _count(runtime, _inbox.source == "discourse", _inbox.status == "done")
            + _count(runtime, _inbox.source == "discourse", _inbox.attempts > 0)
            >= events
        )

    wait_for("the webhooks to be processed", settled)
    # The retry job, as the scheduler runs it, for anything that had to wait.
    gateway = make_discourse_gateway(runtime.settings)
    for _ in range(5):
        clock.set(clock.now + timedelta(hours=2))
        if not process_pending_discourse(runtime, gateway, clock.now).outcomes:
            break
    send.client.close()

    # Each webhook was taken once; its two retries were told they were duplicates.
    assert answers == [Counter({"accepted": 1, "duplicate": 2})] * events
    assert _count(runtime, _inbox.source == "discourse") == events
    assert _count(runtime, _inbox.source == "discourse", _inbox.status != "done") == 0
    activity = _activity_by_member(runtime, "forum_post")
    expected = Counter(FORUM_USERS[n % len(FORUM_USERS)][0] for n in range(FORUM_POSTS))
    assert activity == {
        _member_id(runtime, IdentityKind.DISCOURSE, user): total for user, total in expected.items()
    }
    credited = Counter(ref for _member, _type, _by, ref in _credits(runtime))
    assert credited == Counter(f"solution:{8000 + n}" for n in range(SOLUTIONS))
