"""Support for the bad-input and security tests: one running app per module,
signed requests to both endpoints, every table counted, logs captured, and hypothesis
strategies that bend the real payloads of ``tests/payloads/`` rather than make noise.

A test module uses it with two module-scoped fixtures of its own::

    @pytest.fixture(scope="module")
    def db_backend(request: pytest.FixtureRequest) -> str:
        return str(request.param)   # parametrized by tests/conftest.py (--db)

    @pytest.fixture(scope="module")
    def stack(db_backend: str, request, tmp_path_factory) -> Iterator[Stack]:
        with open_stack(db_backend, request, tmp_path_factory) as running:
            yield running

(``db_backend`` is overridden at module scope so ``--db`` still picks the databases and
the app starts once per module and database.)

The generated tests run the same examples every time; ``CREDITBOT_FUZZ_EXAMPLES=500``
runs that many new, random ones per test instead (to look for new bugs).
"""

from __future__ import annotations

import copy
import inspect
import itertools
import json
import logging
import math
import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from pydantic import SecretStr
from sqlalchemy import func, select
from sqlmodel import SQLModel

import storage.tables  # noqa: F401  (every table in the metadata)
from bot.config import Settings, parse_config
from bot.runtime import Runtime
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.config import BASE_CONFIG
from tests.support.discourse import EVENT_TYPES as DISCOURSE_EVENT_TYPES
from tests.support.discourse import WEBHOOK_SECRET
from tests.support.discourse import signature as discourse_signature
from tests.support.serving import AppClient, RunningApp
from tests.support.slack import BOT_TOKEN, PEOPLE, SIGNING_SECRET, add_help_thread
from tests.support.slack import payload as slack_payload

#: Every secret the app is given: none may ever show up in a log, a page or a post.
SECRETS = (BOT_TOKEN, SIGNING_SECRET, WEBHOOK_SECRET, API_KEY)

#: Hypothesis for these tests: few examples, no deadline (real HTTP), no example
#: database left in the working tree, and the same examples on every run (a red test is
#: a bug, never bad luck). ``CREDITBOT_FUZZ_EXAMPLES=500`` explores: that many new,
#: random examples per test.
_EXPLORE = int(os.environ.get("CREDITBOT_FUZZ_EXAMPLES") or 0)
FEW = settings(
    max_examples=_EXPLORE or 40,
    derandomize=not _EXPLORE,
    deadline=None,
    database=None,
    print_blob=True,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
#: For the slower examples (a whole command line run each).
FEWER = settings(FEW, max_examples=_EXPLORE or 20)


# -- the running app ----------------------------------------------------------------------


class Stack:
    """The app served by uvicorn (Slack and Discourse configured) and its stand-ins."""

    def __init__(
        self, runtime: Runtime, slack_api: SlackApiStandIn, forum: StandinDiscourse, app: RunningApp
    ) -> None:
        self.runtime = runtime
        self.slack_api = slack_api
        self.forum = forum
        self.app = app
        self._ids = itertools.count(1)

    def __repr__(self) -> str:  # hypothesis prints the arguments of a failing example
        return f"Stack({self.runtime.settings.database_url.split(':')[0]})"

    def next_id(self) -> int:
        return next(self._ids)

    @property
    def http(self) -> httpx.Client:
        return self.app.http

    def counts(self) -> dict[str, int]:
        """Rows in every table of the schema."""
        with self.runtime.engine.connect() as connection:
            return {
                table.name: int(
                    connection.execute(select(func.count()).select_from(table)).scalar_one()
                )
                for table in SQLModel.metadata.sorted_tables
            }

    # -- Slack ----------------------------------------------------------------------------
    def slack(
        self,
        body: bytes,
        content_type: str = "application/json",
        **options: Any,
    ) -> httpx.Response:
        """POST a signed (unless told otherwise) body to /slack/events; waits for the work."""
        response = self.app.send(body, content_type, **options)
        self.app.drain()
        return response

    def command(self, text: str, user_id: str, **fields: str) -> httpx.Response:
        """``/credit`` (or ``fields["command"]``) typed by ``user_id``; a new trigger id."""
        form = slack_payload("command_credit") | {
            "text": text,
            "user_id": user_id,
            "trigger_id": f"f3-trigger-{self.next_id()}",
            "response_url": self.slack_api.response_url(f"cmd-{user_id}"),
        }
        form.update(fields)
        return self.slack(urlencode(form).encode(), "application/x-www-form-urlencoded")

    def interactive(self, payload: dict[str, Any]) -> httpx.Response:
        form = urlencode({"payload": json.dumps(payload)}).encode()
        return self.slack(form, "application/x-www-form-urlencoded")

    def replies_to(self, user_id: str) -> list[str]:
        """What ``user_id`` was told privately: response_url posts and ephemerals."""
        texts = []
        for call in self.slack_api.calls:
            to_user = (
                call.path.endswith(f"cmd-{user_id}")
                if call.method == "response_url"
                else call.method == "chat.postEphemeral" and call.params.get("user") == user_id
            )
            if to_user:
                texts.append(str(call.params.get("text") or ""))
        return texts

    # -- Discourse ------------------------------------------------------------------------
    def discourse(
        self,
        body: bytes,
        event: str = "accepted_solution",
        *,
        signature: str | None = "sign",
        event_type: str | None = None,
        over_http: bool = False,
    ) -> httpx.Response:
        """POST a body to /discourse/webhook, signed with the webhook secret by default.

        In-process by default: the call returns once the app has also done the work it
        does after answering. ``over_http`` goes through uvicorn instead.
        """
        headers = {
            "Content-Type": "application/json",
            "X-Discourse-Instance": "https://forum.example.org",
            "X-Discourse-Event-Id": str(self.next_id()),
            "X-Discourse-Event-Type": event_type or DISCOURSE_EVENT_TYPES.get(event, "post"),
            "X-Discourse-Event": event,
        }
        if signature == "sign":
            headers["X-Discourse-Event-Signature"] = discourse_signature(body)
        elif signature is not None:
            headers["X-Discourse-Event-Signature"] = signature.encode("utf-8")  # type: ignore[assignment]
        if over_http:
            return self.http.post("/discourse/webhook", content=body, headers=headers)
        return AppClient(self.app.app).post("/discourse/webhook", content=body, headers=headers)


def stack_runtime(
    backend: str,
    request: pytest.FixtureRequest,
    folder: Path,
    slack_api: SlackApiStandIn,
    forum: StandinDiscourse,
    config: dict[str, Any] | None = None,
) -> tuple[Runtime, str, Any]:
    """A migrated database of this module's own, and a runtime using both stand-ins."""
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    url = (
        server.create_database(migrated=True)
        if server is not None
        else f"sqlite:///{folder / 'creditbot.db'}"
    )
    settings_ = Settings(
        database_url=url,
        creditbot_config=str(folder / "creditbot.yml"),
        slack_bot_token=SecretStr(BOT_TOKEN),
        slack_signing_secret=SecretStr(SIGNING_SECRET),
        slack_api_url=slack_api.url,
        discourse_url=forum.url,
        discourse_api_key=SecretStr(API_KEY),
        discourse_api_username=API_USERNAME,
        discourse_webhook_secret=SecretStr(WEBHOOK_SECRET),
    )
    data = copy.deepcopy(config if config is not None else BASE_CONFIG)
    runtime = Runtime(
        settings_, parse_config(data, "test config"), make_engine(url), FixedClock(NOW)
    )
    upgrade(runtime.engine)
    runtime.sync_organisations()
    return runtime, url, server


#: The app's clock: 1 November 2026 (the month just ended is October).
NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


@contextmanager
def open_stack(
    backend: str,
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    config: dict[str, Any] | None = None,
) -> Iterator[Stack]:
    """The running app on ``backend`` with the people of the Slack scenario tests, the
    help thread, and the forum of the accepted-solution payload."""
    folder = tmp_path_factory.mktemp("f3")
    slack_api = SlackApiStandIn().start()
    for user_id, name, email, is_bot, deleted in PEOPLE:
        slack_api.add_user(user_id, name, email, is_bot=is_bot, deleted=deleted)
    add_help_thread(slack_api)
    forum = StandinDiscourse().start()
    forum.add_user("marco", "marco@gmail.com", user_id=63, name="Marco Rossi")
    forum.add_user("esther_o", "esther@beta.example", user_id=57, name="Esther Okafor")
    forum.add_topic(871, "How do I export grades to CSV?", "marco")
    forum.accept_answer(871, 3, "esther_o")  # the payload's post 3, accepted
    runtime, url, server = stack_runtime(backend, request, folder, slack_api, forum, config)
    app = RunningApp(runtime, slack_api)
    app.answer_at_once()
    app.start()
    try:
        yield Stack(runtime, slack_api, forum, app)
    finally:
        app.stop()
        runtime.close()
        forum.stop()
        slack_api.stop()
        if server is not None:
            server.drop_database(url)


# -- what the Bolt app listens to ---------------------------------------------------------


def registered_listeners(bolt: Any) -> set[tuple[str, str]]:
    """(kind, name) of every listener the Bolt app has: ("command", "/credit"),
    ("action", "suggestion_yes"), ("event", "message"), ("view_submission", "dc_nominate"),
    ... read from the matchers Bolt built, so a listener added later shows up here
    without anyone listing it."""
    found: set[tuple[str, str]] = set()
    for listener in bolt._listeners:
        for matcher in listener.matchers:
            function = getattr(matcher, "func", None)
            if function is None:
                continue
            kind = function.__qualname__.split(".")[0]  # command, action, event, view_...
            for value in inspect.getclosurevars(function).nonlocals.values():
                if isinstance(value, re.Pattern):
                    value = f"re:{value.pattern}"
                if isinstance(value, str):
                    found.add((kind, value))
    return found


# -- logs ---------------------------------------------------------------------------------


class _Collect(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []
        self._guard = threading.Lock()

    def emit(self, record: logging.LogRecord) -> None:
        with self._guard:
            self.records.append(record)


@dataclass
class CapturedLogs:
    """Every record logged (any logger, any thread) while the capture was on."""

    handler: _Collect

    @property
    def records(self) -> list[logging.LogRecord]:
        return list(self.handler.records)

    def text(self) -> str:
        """All of it as a log file would have it: messages and tracebacks."""
        formatter = logging.Formatter("%(levelname)s %(name)s %(message)s")
        return "\n".join(formatter.format(record) for record in self.records)

    def errors(self, prefix: str = "creditbot") -> list[str]:
        formatter = logging.Formatter("%(name)s: %(message)s")
        return [
            formatter.format(r)
            for r in self.records
            if r.levelno >= logging.ERROR and r.name.startswith(prefix)
        ]

    def clear(self) -> None:
        self.handler.records.clear()


@contextmanager
def captured_logs() -> Iterator[CapturedLogs]:
    """Capture all log output at DEBUG on the root logger (what a DEBUG log file holds)."""
    root = logging.getLogger()
    handler = _Collect()
    old_level = root.level
    root.addHandler(handler)
    root.setLevel(logging.DEBUG)
    try:
        yield CapturedLogs(handler)
    finally:
        root.removeHandler(handler)
        root.setLevel(old_level)


# -- hypothesis: values and mutations of real payloads -------------------------------------

#: Numbers of thousands of digits, as text (Python refuses to convert 4,300 digits or
#: more to an int at all) and as JSON numbers under that limit.
HUGE_NUMBER_TEXTS = ("9" * 5000, "-" + "9" * 5000, "1" + "0" * 4299, "1e999999", "1e30")
HUGE_INTEGERS = (10**4000, -(10**4000), 2**64, 10**25)
#: Times at the edges of what a calendar, a timezone or a Slack ``ts`` can hold.
EDGE_TIMES = (
    "0001-01-01",
    "0001-01-01T01:00:00+05:00",
    "9999-12-31T23:59:59-05:00",
    "9999-12-31T20:00",
    "1970-01-01T00:00:00Z",
    "1999-12-31",
    "2000-02-29",
    "0",
    "999999999999.1",
    "99999999999999",
)
ODD_TEXT = st.sampled_from(
    [
        "",
        " ",
        "0",
        "-1",
        "1e3",
        "NaN",
        "٣",
        "²",
        "99999999999999999999999999",
        "\x00",
        "\u202e",
        "null",
        "<@U01LEAD>",
        "<@U0ALICE|alice>",
        "U01LEAD",
        "suggestion:1",
        "suggestion:",
        "suggestion:-1",
        "C01REVIEW",
        "white_check_mark",
        "raised_hands",
        "support",
        "message",
        "block_actions",
        "event_callback",
        "1793521200.000200",
        "'; DROP TABLE credit; --",
        "é" * 300,
        *HUGE_NUMBER_TEXTS,
        *EDGE_TIMES,
    ]
)
ODD_SCALAR = (
    ODD_TEXT
    | st.none()
    | st.booleans()
    | st.integers(min_value=-(2**70), max_value=2**70)
    | st.sampled_from(HUGE_INTEGERS)
    | st.sampled_from(
        [
            0,
            -1,
            1,
            2**31,
            2**63,
            2**70,
            -(2**63) - 1,
            1.5,
            -0.0,
            1e308,
            math.inf,
            -math.inf,
            math.nan,
        ]
    )
    | st.floats(allow_nan=True, allow_infinity=True)
    | st.text(max_size=40)
)
JSON_VALUES = st.recursive(
    ODD_SCALAR,
    lambda inner: (
        st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4)
    ),
    max_leaves=10,
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    found = []
    if isinstance(value, dict):
        for key, inner in value.items():
            found.append((*prefix, key))
            found.extend(_paths(inner, (*prefix, key)))
    elif isinstance(value, list):
        for index, inner in enumerate(value):
            found.append((*prefix, index))
            found.extend(_paths(inner, (*prefix, index)))
    return found


def _apply(data: Any, path: tuple[Any, ...], op: str, value: Any) -> None:
    *parents, last = path
    target = data
    for key in parents:
        try:
            target = target[key]
        except (KeyError, IndexError, TypeError):
            return  # an earlier mutation removed or replaced this part
    if isinstance(target, dict):
        if op == "delete":
            target.pop(last, None)
        else:
            target[last] = value
    elif isinstance(target, list) and isinstance(last, int) and last < len(target):
        if op == "delete":
            del target[last]
        else:
            target[last] = value


@st.composite
def mutations_of(
    draw: st.DrawFn, base: dict[str, Any], max_changes: int = 4, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    """``base`` with 1 to ``max_changes`` of its fields, at any depth, deleted or replaced
    (by an odd scalar, another JSON value, or a field of the payload itself); the
    top-level fields in ``keep`` stay as they are."""
    data = copy.deepcopy(base)
    paths = [path for path in _paths(base) if path[0] not in keep]
    for _ in range(draw(st.integers(min_value=1, max_value=max_changes))):
        path = draw(st.sampled_from(paths))
        op = draw(st.sampled_from(["delete", "scalar", "json", "swap"]))
        if op == "scalar":
            value: Any = draw(ODD_SCALAR)
        elif op == "json":
            value = draw(JSON_VALUES)
        elif op == "swap":
            other = draw(st.sampled_from(paths))
            value = copy.deepcopy(_get(base, other))
        else:
            value = None
        _apply(data, path, op, value)
    return data


def _get(data: Any, path: tuple[Any, ...]) -> Any:
    for key in path:
        data = data[key]
    return data


def dump(data: Any) -> bytes:
    """JSON as a sender might write it (NaN and Infinity included, as Python writes them)."""
    return json.dumps(data, allow_nan=True).encode("utf-8")
