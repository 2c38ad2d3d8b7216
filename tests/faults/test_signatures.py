"""Forged, missing and stale signatures on both endpoints: refused, and nothing happens.

Each Slack request here would change something if it were let in (a thank-you opens a
question, a team lead's ``/credit`` credits, a team lead's Yes decides); each Discourse
delivery would credit an accepted solution. Refused, they store nothing and make no call
to Slack or the forum.

Discourse signs only the body (``X-Discourse-Event-Signature`` carries no time), so a
delivery has no age to check: an old delivery replayed is recognised by its natural key
and changes nothing the second time (the last test).
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterator
from typing import Any
from urllib.parse import urlencode

import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.faults.input_support import FEW, Stack, open_stack
from tests.support.discourse import WEBHOOK_SECRET
from tests.support.discourse import payload as discourse_payload
from tests.support.discourse import signature as discourse_signature
from tests.support.slack import SIGNING_SECRET, answer_body, sign
from tests.support.slack import payload as slack_payload

MAX_AGE = 5 * 60
#: What can be sent as an HTTP header value (no control characters, no surrounding spaces).
HEADER_VALUES = st.text(st.characters(blacklist_categories=("Cc", "Cs")), max_size=80).map(
    str.strip
) | st.sampled_from(["v0=", "sha256=", "v0=" + "0" * 64, "sha256=" + "f" * 64])


@pytest.fixture(scope="module")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def stack(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with open_stack(db_backend, request, tmp_path_factory) as running:
        yield running


# -- what each refused request would have done -------------------------------------------


def _thanks(stack: Stack) -> tuple[bytes, str]:
    envelope = slack_payload("event_message_thread_reply")
    envelope["event_id"] = f"EvSIG{stack.next_id():07d}"
    return json.dumps(envelope).encode(), "application/json"


def _credit(stack: Stack) -> tuple[bytes, str]:
    form = slack_payload("command_credit") | {
        "trigger_id": f"sig-{stack.next_id()}",
        "response_url": stack.slack_api.response_url("sig"),
    }
    return urlencode(form).encode(), "application/x-www-form-urlencoded"


def _yes(stack: Stack) -> tuple[bytes, str]:
    body = answer_body(1, "U01LEAD") | {"response_url": stack.slack_api.response_url("sig")}
    return urlencode({"payload": json.dumps(body)}).encode(), "application/x-www-form-urlencoded"


SLACK_REQUESTS: dict[str, Callable[[Stack], tuple[bytes, str]]] = {
    "a thank-you": _thanks,
    "a team lead's /credit": _credit,
    "a team lead's Yes": _yes,
}


def _now() -> int:
    return int(time.time())


def _refused_and_nothing_happened(stack: Stack, send: Callable[[], Any]) -> Any:
    before = stack.counts()
    calls = len(stack.slack_api.calls)
    forum_calls = len(stack.forum.requests)
    response = send()
    stack.app.drain()
    assert response.status_code == 401, response.text
    assert stack.counts() == before
    assert stack.slack_api.calls[calls:] == []
    assert stack.forum.requests[forum_calls:] == []
    return response


# -- Slack ----------------------------------------------------------------------------------

# (why, timestamp header, signature header) from a body and the current time
FORGERIES: dict[str, Callable[[bytes, int], tuple[str | None, str | None]]] = {
    "signed with another secret": lambda b, t: (str(t), sign(b, str(t), "not-the-secret")),
    "no signature": lambda b, t: (str(t), None),
    "no timestamp": lambda b, t: (None, sign(b, str(t))),
    "neither": lambda b, t: (None, None),
    "stale (5 minutes and a second)": lambda b, t: (
        str(t - MAX_AGE - 1),
        sign(b, str(t - MAX_AGE - 1)),
    ),
    "an hour old": lambda b, t: (str(t - 3600), sign(b, str(t - 3600))),
    "from the future": lambda b, t: (str(t + MAX_AGE + 60), sign(b, str(t + MAX_AGE + 60))),
    "signed with another timestamp": lambda b, t: (str(t), sign(b, str(t - 1))),
    "a signature of another body": lambda b, t: (str(t), sign(b + b" ", str(t))),
    "a v1 signature": lambda b, t: (str(t), "v1=" + sign(b, str(t))[3:]),
    "upper-case hex": lambda b, t: (str(t), "v0=" + sign(b, str(t))[3:].upper()),
    "the bare HMAC": lambda b, t: (str(t), sign(b, str(t))[3:]),
    "a timestamp in Arabic digits": lambda b, t: (
        "".join(chr(0x660 + int(d)) for d in str(t)),
        sign(b, str(t)),
    ),
    "a negative timestamp": lambda b, t: ("-" + str(t), sign(b, "-" + str(t))),
    "a timestamp in milliseconds": lambda b, t: (str(t * 1000), sign(b, str(t * 1000))),
    "the secret itself as signature": lambda b, t: (str(t), SIGNING_SECRET),
}


@pytest.mark.parametrize("request_kind", sorted(SLACK_REQUESTS))
@pytest.mark.parametrize("forgery", sorted(FORGERIES))
def test_a_slack_request_without_a_valid_fresh_signature_is_refused_and_does_nothing(
    stack: Stack, request_kind: str, forgery: str
) -> None:
    body, content_type = SLACK_REQUESTS[request_kind](stack)
    stamp, signature = FORGERIES[forgery](body, _now())
    headers = {"Content-Type": content_type.encode()}
    if stamp is not None:
        headers["X-Slack-Request-Timestamp"] = stamp.encode()
    if signature is not None:
        headers["X-Slack-Signature"] = signature.encode()
    response = _refused_and_nothing_happened(
        stack, lambda: stack.http.post("/slack/events", content=body, headers=headers)
    )
    assert response.text in (
        "missing signature",
        "bad timestamp",
        "stale timestamp",
        "wrong signature",
    )


def test_the_same_requests_signed_properly_do_get_in(stack: Stack) -> None:
    """The other side of the tests above: those requests were refused for their
    signature alone."""
    before = stack.counts()
    assert stack.slack(*_thanks(stack)).status_code == 200
    with stack.runtime.reader() as uow:
        (question,) = uow.suggestions.open()
    body = answer_body(question.id, "U01LEAD") | {
        "response_url": stack.slack_api.response_url("sig")
    }
    assert stack.interactive(body).status_code == 200
    assert stack.slack(*_credit(stack)).status_code == 200
    with stack.runtime.reader() as uow:
        decided = uow.suggestions.get(question.id)
    assert decided is not None and decided.decided_by == "U01LEAD"
    assert stack.counts()["credit"] == before["credit"] + 2


@FEW
@given(signature=HEADER_VALUES, stamp=HEADER_VALUES | st.integers(0, 2**40).map(str))
def test_no_made_up_slack_signature_gets_in(stack: Stack, signature: str, stamp: str) -> None:
    body, content_type = _credit(stack)
    headers = {
        "Content-Type": content_type.encode(),
        "X-Slack-Request-Timestamp": stamp.encode("utf-8", "replace"),
        "X-Slack-Signature": signature.encode("utf-8", "replace"),
    }
    _refused_and_nothing_happened(
        stack, lambda: stack.http.post("/slack/events", content=body, headers=headers)
    )


def test_a_body_that_is_not_utf8_is_refused_signed_or_not(stack: Stack) -> None:
    body = b"\xff\xfe\x00" + _credit(stack)[0]
    before = stack.counts()
    signed = stack.slack(body, "application/x-www-form-urlencoded")
    assert signed.status_code == 400
    assert signed.text == "not a Slack request body"
    stamp = str(_now())
    _refused_and_nothing_happened(
        stack,
        lambda: stack.app.send(
            body,
            "application/x-www-form-urlencoded",
            timestamp=stamp,
            signature=sign(body, stamp, "not-the-secret"),
        ),
    )
    assert stack.counts() == before


# -- Discourse ------------------------------------------------------------------------------


def _solution(stack: Stack) -> bytes:
    body = discourse_payload("accepted_solution")
    body["solved"]["id"] = 50_000 + stack.next_id()
    return json.dumps(body).encode()


DISCOURSE_FORGERIES: dict[str, Callable[[bytes], str | None]] = {
    "signed with another secret": lambda b: discourse_signature(b, "not-the-secret"),
    "no signature": lambda b: None,
    "an empty signature": lambda b: "",
    "a signature of another body": lambda b: discourse_signature(b + b" "),
    "without sha256=": lambda b: discourse_signature(b).removeprefix("sha256="),
    "a sha1= prefix": lambda b: "sha1=" + discourse_signature(b).removeprefix("sha256="),
    "upper-case hex": lambda b: "sha256=" + discourse_signature(b)[7:].upper(),
    "the secret itself": lambda b: WEBHOOK_SECRET,
    "sha256= alone": lambda b: "sha256=",
}


@pytest.mark.parametrize("forgery", sorted(DISCOURSE_FORGERIES))
def test_a_forum_delivery_without_a_valid_signature_is_refused_and_does_nothing(
    stack: Stack, forgery: str
) -> None:
    body = _solution(stack)
    signature = DISCOURSE_FORGERIES[forgery](body)
    response = _refused_and_nothing_happened(
        stack,
        lambda: stack.discourse(body, "accepted_solution", signature=signature, over_http=True),
    )
    assert "X-Discourse-Event-Signature" in response.json()["error"]


@FEW
@given(signature=HEADER_VALUES)
def test_no_made_up_forum_signature_gets_in(stack: Stack, signature: str) -> None:
    body = _solution(stack)
    _refused_and_nothing_happened(
        stack, lambda: stack.discourse(body, "accepted_solution", signature=signature or None)
    )


def test_a_forum_body_that_is_not_utf8_is_refused_signed_or_not(stack: Stack) -> None:
    body = b"\xff\xfe" + _solution(stack)
    before = stack.counts()
    signed = stack.discourse(body, over_http=True)
    assert signed.status_code == 400
    assert signed.json() == {"error": "the body is not JSON"}
    _refused_and_nothing_happened(
        stack,
        lambda: stack.discourse(
            body, signature=discourse_signature(body, "not-the-secret"), over_http=True
        ),
    )
    assert stack.counts() == before


def test_an_old_forum_delivery_replayed_later_changes_nothing(stack: Stack) -> None:
    body = _solution(stack)
    first = stack.discourse(body)
    assert first.json()["status"] == "accepted"
    after_first = stack.counts()
    replayed = stack.discourse(body)  # the same bytes and signature, a new event id
    assert replayed.status_code == 200
    assert replayed.json()["status"] == "duplicate"
    assert stack.counts() == after_first
