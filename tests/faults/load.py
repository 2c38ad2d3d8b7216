"""Signed traffic for the starvation test and bench/bench_slack_under_load.py: forum
webhooks for new users, public pages, and a ``/credit help`` from Slack."""

from __future__ import annotations

import json
import time
from typing import Any
from urllib.parse import urlencode

import httpx

from tests.support.discourse import payload as forum_payload
from tests.support.discourse import signature
from tests.support.slack import payload, sign


def new_user_post(n: int) -> tuple[bytes, dict[str, str]]:
    """A signed ``post_created`` by a forum user creditbot has not met (n-th of them)."""
    body: dict[str, Any] = forum_payload(
        "post_created", id=90_000 + n, username=f"newcomer_{n}", user_id=70_000 + n
    )
    raw = json.dumps(body).encode()
    return raw, {
        "Content-Type": "application/json",
        "X-Discourse-Event-Id": str(80_000 + n),
        "X-Discourse-Event-Type": "post",
        "X-Discourse-Event": "post_created",
        "X-Discourse-Event-Signature": signature(raw),
    }


def post_webhook(url: str, n: int, timeout: float = 60) -> int:
    raw, headers = new_user_post(n)
    return httpx.post(
        f"{url}/discourse/webhook", content=raw, headers=headers, timeout=timeout
    ).status_code


def get_reports(url: str, timeout: float = 60) -> int:
    return httpx.get(f"{url}/reports", timeout=timeout).status_code


def credit_help(url: str, timeout: float) -> tuple[str, float]:
    """``/credit help`` as Slack sends it: the answer's text, and the seconds it took."""
    form = payload("command_credit") | {"text": "help", "user_id": "U0BOB"}
    body = urlencode(form).encode()
    stamp = str(int(time.time()))
    headers = {
        "Content-Type": "application/x-www-form-urlencoded",
        "X-Slack-Request-Timestamp": stamp,
        "X-Slack-Signature": sign(body, stamp),
    }
    began = time.perf_counter()
    answer = httpx.post(f"{url}/slack/events", content=body, headers=headers, timeout=timeout)
    took = time.perf_counter() - began
    return str(answer.json().get("text", "")) if answer.status_code == 200 else "", took
