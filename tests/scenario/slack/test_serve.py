"""``creditbot serve``: refuses to start without what it needs; serves Slack when it has it."""

from __future__ import annotations

import json
import os
import socket
import sqlite3
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import httpx
import pytest
import yaml

from tests.standins.slack_api import SlackApiStandIn
from tests.support.cli import CliResult
from tests.support.config import BASE_CONFIG
from tests.support.databases import database_url
from tests.support.slack import (
    BOT_TOKEN,
    REVIEW,
    SIGNING_SECRET,
    add_help_thread,
    payload,
    sign,
    thank_alice_event,
)

Cli = Callable[..., CliResult]


@pytest.fixture
def slack_env(monkeypatch: pytest.MonkeyPatch, slack_api: SlackApiStandIn) -> None:
    monkeypatch.setenv("SLACK_BOT_TOKEN", BOT_TOKEN)
    monkeypatch.setenv("SLACK_SIGNING_SECRET", SIGNING_SECRET)
    monkeypatch.setenv("SLACK_API_URL", slack_api.url)
    monkeypatch.delenv("SLACK_APP_TOKEN", raising=False)


@pytest.mark.parametrize("missing", ["SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET"])
def test_serve_without_a_slack_setting_names_the_variable_in_one_line(
    cli: Cli, slack_env: None, monkeypatch: pytest.MonkeyPatch, missing: str
) -> None:
    assert cli("db", "upgrade").code == 0
    monkeypatch.delenv(missing)
    result = cli("serve", "--port", "9")
    assert result.code == 1
    assert result.err == f"creditbot: {missing} is not set; it is needed for creditbot serve\n"


def test_serve_refuses_a_database_whose_schema_is_not_current(cli: Cli, slack_env: None) -> None:
    result = cli("serve", "--port", "9")
    assert result.code == 1
    assert "run `creditbot db upgrade` first" in result.err
    assert result.err.count("\n") == 1


def test_serve_refuses_a_token_slack_rejects(
    cli: Cli, slack_env: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert cli("db", "upgrade").code == 0
    monkeypatch.setenv("SLACK_BOT_TOKEN", "not-a-bot-token")
    result = cli("serve", "--port", "9")
    assert result.code == 1
    assert result.err == (
        "creditbot: Slack: auth.test failed: not_authed; check SLACK_BOT_TOKEN and SLACK_API_URL\n"
    )


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _question_recorded(tmp_path: Path) -> bool:
    with sqlite3.connect(tmp_path / "creditbot.db") as db:
        return bool(db.execute("SELECT 1 FROM suggestion WHERE question_ts IS NOT NULL").fetchone())


def test_serve_answers_slack_over_http_and_socket_mode(
    tmp_path: Path, slack_api: SlackApiStandIn
) -> None:
    config = tmp_path / "creditbot.yml"
    config.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": database_url(tmp_path),
        "CREDITBOT_CONFIG": str(config),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack_api.url,
        "SLACK_APP_TOKEN": "xapp-test-token",
    }
    creditbot = [sys.executable, "-c", "from bot.cli import run; run()"]
    subprocess.run([*creditbot, "db", "upgrade"], env=env, cwd=tmp_path, check=True)
    port = _free_port()
    server = subprocess.Popen(
        [*creditbot, "serve", "--port", str(port), "--no-scheduler", "--log-level", "warning"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        url = f"http://127.0.0.1:{port}"
        with httpx.Client(base_url=url, timeout=10) as http:
            for _attempt in range(300):
                try:
                    if http.get("/healthz").status_code == 200:
                        break
                except httpx.TransportError:
                    time.sleep(0.05)
            assert http.get("/healthz").json()["status"] == "ok"
            add_help_thread(slack_api)
            body = json.dumps(thank_alice_event()).encode()
            stamp = str(int(time.time()))
            response = http.post(
                "/slack/events",
                content=body,
                headers={
                    "Content-Type": "application/json",
                    "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": sign(body, stamp),
                },
            )
            assert response.status_code == 200
            for _attempt in range(300):
                if slack_api.posts_to(REVIEW):
                    break
                time.sleep(0.05)
        (question,) = slack_api.posts_to(REVIEW)
        assert question["text"].startswith("Is this a contribution? <@U0ALICE>")
        # The event worker posted it and then records where: a lead reacts after that.
        for _attempt in range(300):
            if _question_recorded(tmp_path):
                break
            time.sleep(0.05)
        # The same process also listens in Socket Mode: a lead's confirm emoji arrives there.
        assert slack_api.wait_for_socket()
        confirm = payload("event_reaction_added")
        confirm["event"].update({"user": "U01LEAD", "reaction": "white_check_mark"})
        envelope_id = slack_api.push(confirm)
        for _attempt in range(300):
            if slack_api.acked(envelope_id) and slack_api.calls_to("chat.update"):
                break
            time.sleep(0.05)
        (update,) = slack_api.calls_to("chat.update")
        assert "Credited as *support*" in update["blocks"][-1]["text"]["text"]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    assert server.returncode in (0, -15), output.decode()
    assert b"WARNING" not in output, output.decode()  # a clean start and stop: no noise
