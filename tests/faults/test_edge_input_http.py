"""Edge input over HTTP, the way an outsider or a confused sender sends it: bodies too
large to read, numbers of thousands of digits, times in year 1 or 33658, months that
came before the programme. Each gets one clear answer (413, 400, 401, 404 or a private
Slack reply), never a 5xx, and nothing is stored."""

from __future__ import annotations

import contextlib
import copy
import socket
import time
from collections.abc import Iterator
from datetime import timedelta
from typing import Any
from urllib.parse import urlencode

import pytest
from sqlalchemy import text

from tests.faults.input_support import NOW, Stack, dump, open_stack
from tests.support.discourse import payload as discourse_payload
from tests.support.slack import payload as slack_payload
from tests.support.slack import sign

HUGE = "9" * 5000
LIMIT = 1_000_000
FORM = "application/x-www-form-urlencoded"


@pytest.fixture(scope="module")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def stack(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with open_stack(db_backend, request, tmp_path_factory) as running:
        yield running


def _rows(stack: Stack, table: str, where: str = "1=1") -> int:
    with stack.runtime.engine.connect() as connection:
        return int(connection.execute(text(f"SELECT count(*) FROM {table} WHERE {where}")).scalar())


# -- 5: bodies over the limit ---------------------------------------------------------------


@pytest.mark.parametrize("path", ["/slack/events", "/discourse/webhook"])
def test_a_body_over_the_limit_is_refused_with_413_before_it_is_read(
    stack: Stack, path: str
) -> None:
    """The client says 200 MB are coming and sends 64 KB: the answer comes at once."""
    answer = _raw_request(
        stack,
        f"POST {path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"Content-Length: {200 * 1024 * 1024}\r\n\r\n".encode()
        + b"{" * 65536,
    )
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


@pytest.mark.parametrize("path", ["/slack/events", "/discourse/webhook"])
def test_a_chunked_body_without_a_length_is_refused_with_413_once_it_passes_the_limit(
    stack: Stack, path: str
) -> None:
    """Chunks keep coming, with no end in sight: the answer comes once 1 MB has passed."""
    head = f"POST {path} HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n".encode()
    chunk = b"%x\r\n" % 65536 + b"a" * 65536 + b"\r\n"
    answer = _raw_request(stack, head + chunk * (LIMIT // 65536 + 2))  # never the last chunk
    assert answer.startswith(b"HTTP/1.1 413"), answer[:200]


def test_a_body_under_the_limit_still_gets_its_signature_checked(stack: Stack) -> None:
    response = stack.http.post(
        "/slack/events",
        content=b"{" + b" " * (LIMIT - 10) + b"}",
        headers={"Content-Type": "application/json"},
    )
    assert response.status_code == 401


def _raw_request(stack: Stack, data: bytes) -> bytes:
    """Send ``data`` on a fresh connection without ending the body; the first answer."""
    host, port = stack.app.url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as connection:
        # the server may answer and close before taking everything: fine
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            connection.sendall(data)
        received = b""
        while b"\r\n" not in received:
            piece = connection.recv(4096)
            if not piece:
                break
            received += piece
        return received


# -- 7: numbers and times out of range ------------------------------------------------------


def test_a_five_thousand_digit_slack_timestamp_is_refused_with_401(stack: Stack) -> None:
    body = dump(slack_payload("event_message_thread_reply"))
    response = stack.app.send(body, "application/json", timestamp=HUGE, signature=sign(body, HUGE))
    assert response.status_code == 401


def test_a_lead_crediting_five_thousand_digit_points_gets_a_private_reply(stack: Stack) -> None:
    before = _rows(stack, "credit")
    response = stack.command(f"<@U0ALICE> support {HUGE} for the help", "U01LEAD")
    assert response.status_code == 200
    answer = response.json()  # the ack's own text: ephemeral unless it says in_channel
    assert answer.get("response_type", "ephemeral") == "ephemeral"
    reply = answer["text"]
    assert "Points must be a whole number from 1 to" in reply
    assert len(reply) < 2000
    assert _rows(stack, "credit") == before


@pytest.mark.parametrize("moment", ["0001-01-01T01:00:00+05:00", "1999-12-31T23:00:00Z"])
def test_a_forum_post_dated_before_the_programme_is_refused_with_400(
    stack: Stack, moment: str
) -> None:
    solved = discourse_payload("accepted_solution")
    solved["solved"] |= {"id": 7700 + stack.next_id(), "created_at": moment}
    before = _rows(stack, "inbox")
    response = stack.discourse(dump(solved), "accepted_solution", over_http=True)
    assert response.status_code == 400, response.text
    assert "created_at" in response.json()["error"]
    assert _rows(stack, "inbox") == before


@pytest.mark.parametrize(
    ("field", "value"), [("id", 10**30), ("topic_id", 10**30), ("id", 2**63), ("topic_id", 0)]
)
def test_a_forum_id_no_database_integer_holds_is_refused_with_400(
    stack: Stack, field: str, value: int
) -> None:
    solved = discourse_payload("accepted_solution")
    solved["solved"] |= {"id": 7800 + stack.next_id(), field: value}
    before = _rows(stack, "inbox")
    response = stack.discourse(dump(solved), "accepted_solution", over_http=True)
    assert response.status_code == 400, response.text
    assert field in response.json()["error"]
    assert _rows(stack, "inbox") == before


@pytest.mark.parametrize(
    "path", ["/reports/0001-01", "/reports/1999-12", "/reports/9999-12", "/api/reports/0001-01"]
)
def test_a_report_of_a_month_outside_the_programme_is_not_found(stack: Stack, path: str) -> None:
    assert stack.http.get(path).status_code == 404


def test_a_report_address_that_is_no_month_is_not_found(stack: Stack) -> None:
    assert stack.http.get("/api/reports/0001-0x").status_code in (400, 404)


@pytest.mark.parametrize("ts", ["0", "999999999999.1"])
def test_a_nomination_of_a_message_dated_1970_or_33658_opens_no_question(
    stack: Stack, ts: str
) -> None:
    reaction = copy.deepcopy(slack_payload("event_reaction_added"))
    reaction["event_id"] = f"EvEDGE{stack.next_id():06d}"
    reaction["event"]["item"]["ts"] = ts
    assert stack.slack(dump(reaction)).status_code == 200
    assert _rows(stack, "suggestion", f"message_ts = '{ts}'") == 0
    assert _rows(stack, "inbox", "status = 'failed'") == 0


@pytest.mark.parametrize("ts", ["0", "999999999999.1"])
def test_a_message_dated_1970_or_33658_is_ignored_not_failed(stack: Stack, ts: str) -> None:
    envelope: dict[str, Any] = copy.deepcopy(slack_payload("event_message_thread_reply"))
    envelope["event_id"] = f"EvEDGE{stack.next_id():06d}"
    envelope["event"] |= {"ts": ts, "event_ts": ts}
    envelope["event"].pop("thread_ts")
    assert stack.slack(dump(envelope)).status_code == 200
    assert _rows(stack, "inbox", "status = 'failed'") == 0
    assert _rows(stack, "activity", "day < '2000-01-01'") == 0


# -- 10: a replayed command -----------------------------------------------------------------


def _credit_form(stack: Stack, text: str, **fields: str) -> bytes:
    form = slack_payload("command_credit") | {
        "text": text,
        "user_id": "U01LEAD",
        "response_url": stack.slack_api.response_url("cmd-U01LEAD"),
        **fields,
    }
    form.pop("trigger_id", None)
    return urlencode(form).encode()


def test_a_credit_without_trigger_id_replayed_within_five_minutes_credits_once(
    stack: Stack,
) -> None:
    before = _rows(stack, "credit")
    body = _credit_form(stack, "<@U0ALICE> docs 3 replayed guide")
    stamp = str(int(time.time()))
    for second in range(3):  # the same signed request, sent again over a few seconds
        stack.runtime.clock.set(NOW + timedelta(seconds=second))  # type: ignore[attr-defined]
        assert stack.slack(body, FORM, timestamp=stamp).status_code == 200
    assert _rows(stack, "credit") == before + 1
    assert "already carried out" in stack.replies_to("U01LEAD")[-1]
    # another request with the same words (a new signature) is another command
    assert stack.slack(body, FORM, timestamp=str(int(stamp) - 1)).status_code == 200
    assert _rows(stack, "credit") == before + 2
    stack.runtime.clock.set(NOW)  # type: ignore[attr-defined]


def test_a_join_with_an_event_time_past_any_calendar_is_handled_not_failed(
    stack: Stack,
) -> None:
    envelope = copy.deepcopy(slack_payload("event_team_join"))
    envelope["event_id"] = f"EvEDGE{stack.next_id():06d}"
    envelope["event_time"] = 1e308
    assert stack.slack(dump(envelope)).status_code == 200
    assert _rows(stack, "inbox", "status = 'failed'") == 0
