"""Bad input to ``POST /discourse/webhook``, generated: signed bodies that bend the real
payloads of ``tests/payloads/discourse/`` (and a few that are not payloads at all).

The forum never gets a 5xx or a traceback: a body creditbot cannot use is refused with
400 and a JSON ``error`` saying why, and nothing is stored; what it accepts it handles
without any error in the log (no crash after the answer either).
"""

from __future__ import annotations

import copy
import json
from collections.abc import Iterator
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.faults.input_support import (
    FEW,
    JSON_VALUES,
    ODD_SCALAR,
    Stack,
    captured_logs,
    dump,
    mutations_of,
    open_stack,
)
from tests.support.discourse import EVENT_TYPES as DISCOURSE_EVENT_TYPES
from tests.support.discourse import payload as discourse_payload

#: What creditbot reads from a post, topic or user.
READ_FIELDS = (
    "id",
    "topic_id",
    "post_number",
    "post_type",
    "user_id",
    "username",
    "name",
    "created_at",
    "category_id",
    "topic_archetype",
    "archetype",
    "created_by",
    "email",
    "topic_user_id",
    "topic_username",
)
PAYLOADS = {
    "accepted_solution": discourse_payload("accepted_solution"),
    "unaccepted_solution": discourse_payload("unaccepted_solution"),
    "post_created": discourse_payload("post_created"),
    "topic_created": discourse_payload("topic_created"),
    "user_created": discourse_payload("user_created"),
    "ping": discourse_payload("ping"),
}


@pytest.fixture(scope="module")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def stack(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with open_stack(db_backend, request, tmp_path_factory) as running:
        yield running


def _check(stack: Stack, response: Any, before: dict[str, int]) -> dict[str, Any]:
    """What every answer must be: no 5xx, JSON that says what happened, nothing stored
    for a refusal."""
    assert response.status_code in (200, 400), response.text
    assert "Traceback" not in response.text
    answer = response.json()
    assert isinstance(answer, dict)
    if response.status_code == 400:
        assert str(answer["error"]).strip()
        assert stack.counts() == before
    else:
        assert answer.get("status") in ("ok", "accepted", "duplicate", "ignored"), answer
    return answer


NEW_ID = -424242


def _fresh(stack: Stack, body: dict[str, Any]) -> dict[str, Any]:
    """The body with a subject id never seen before in place of ``NEW_ID``."""
    subject = next(iter(body.values()), None) if len(body) == 1 else None
    if isinstance(subject, dict) and subject.get("id") == NEW_ID:
        return {next(iter(body)): subject | {"id": 10**6 + stack.next_id()}}
    return body


@st.composite
def _bodies(draw: st.DrawFn) -> tuple[str, dict[str, Any]]:
    """A real event's payload with some fields changed, and the event's name."""
    event = draw(st.sampled_from(sorted(PAYLOADS)))
    body = copy.deepcopy(PAYLOADS[event])
    (key,) = body
    subject = body[key]
    # a new id most of the time (see _fresh), so the example reaches the processing of a
    # new event every time it runs
    if isinstance(subject, dict) and draw(st.booleans()):
        subject["id"] = NEW_ID
    # the fields creditbot reads, given odd values, more often than chance would
    for field in draw(st.lists(st.sampled_from(READ_FIELDS), max_size=3, unique=True)):
        if isinstance(subject, dict):
            subject[field] = draw(ODD_SCALAR)
    if draw(st.booleans()):
        return event, body
    return event, draw(mutations_of(body, max_changes=3))


@FEW
@given(drawn=_bodies())
def test_a_mangled_forum_event_is_refused_with_400_or_handled_without_error(
    stack: Stack, drawn: tuple[str, dict[str, Any]]
) -> None:
    event, body = drawn
    before = stack.counts()
    with captured_logs() as logs:
        response = stack.discourse(dump(_fresh(stack, body)), event)
    answer = _check(stack, response, before)
    if answer.get("status") in ("ignored", "duplicate", "ok"):
        assert stack.counts() == before
    assert logs.errors() == [], "\n".join(logs.errors())


@FEW
@given(
    body=JSON_VALUES,
    event=st.sampled_from([*sorted(PAYLOADS), "post_edited", "", "accepted_solution "]),
    event_type=st.sampled_from([*sorted(set(DISCOURSE_EVENT_TYPES.values())), "", "solved "]),
)
def test_any_json_under_any_event_name_gets_a_clear_answer(
    stack: Stack, body: Any, event: str, event_type: str
) -> None:
    before = stack.counts()
    with captured_logs() as logs:
        response = stack.discourse(dump(body), event, event_type=event_type)
    _check(stack, response, before)
    assert logs.errors() == [], "\n".join(logs.errors())


@FEW
@given(body=st.binary(max_size=300))
def test_a_signed_body_that_is_not_json_is_refused_with_400(stack: Stack, body: bytes) -> None:
    try:
        json.loads(body)
    except ValueError:
        pass
    else:
        return  # JSON after all: the test above covers it
    before = stack.counts()
    response = stack.discourse(body, "accepted_solution", over_http=True)
    assert response.status_code == 400
    assert response.json()["error"]
    assert stack.counts() == before


def test_a_signed_body_nested_too_deeply_is_refused_with_400(stack: Stack) -> None:
    before = stack.counts()
    response = stack.discourse(b'{"solved": ' + b"[" * 100_000, over_http=True)
    assert response.status_code == 400
    assert response.json()["error"]
    assert stack.counts() == before


def test_a_body_holding_a_nul_character_is_refused_with_400(stack: Stack) -> None:
    body = discourse_payload("accepted_solution")
    body["solved"] |= {"id": 77_001, "name": "Esther\u0000Okafor"}
    before = stack.counts()
    response = stack.discourse(dump(body), over_http=True)
    assert response.status_code == 400
    assert "NUL" in response.json()["error"]
    assert stack.counts() == before
