"""Private data (warnings, conduct records, payments, lead notes, e-mail addresses) and
the secrets creditbot is given (bot token, signing secret, webhook secret, forum API
key) never show up where others can see them: a web page or its JSON, whatever route and
query string; a public Slack channel or forum topic; or the logs.

The community of ``tests/integration/web/community.py`` has private records planted in
it. One module-long run then does what a month of production does — the standing job
(warnings down the ladder, a partner removed), the inactivity nudges, the monthly
shout-out, an import, forum webhooks, Slack events from new people, deliveries that
fail, and a request that crashes with a traceback — with every log record captured at
DEBUG on the root logger, and everything is searched.
"""

from __future__ import annotations

import copy
import json
import os
import re
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
import yaml
from sqlalchemy import text
from starlette.routing import Route

from bot.config import Settings
from bot.gateways import open_gateways
from bot.jobs.registry import JOBS
from bot.jobs.runs import RunStatus, run_job
from bot.outbox.worker import deliver_due
from bot.runtime import Runtime
from bot.services.ledger.conduct import add_conduct_record
from bot.services.ledger.importing import import_credits
from tests.faults.input_support import SECRETS, CapturedLogs, Stack, captured_logs, dump, open_stack
from tests.integration.web.community import (
    EMAILS,
    PRIVATE,
    build_community,
    community_config,
)
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.config import BASE_CONFIG
from tests.support.discourse import WEBHOOK_SECRET
from tests.support.discourse import payload as discourse_payload
from tests.support.discourse import signature as discourse_signature
from tests.support.slack import BOT_TOKEN, PEOPLE, SIGNING_SECRET, add_help_thread, sign
from tests.support.slack import payload as slack_payload

#: Words that only private records use (the public pages say "listed", never these).
PRIVATE_WORDS = ("conduct", "warning_level", "referrals_paused", "good_standing", "payment")
#: A new person who writes in Slack, and one who joins the forum: their e-mail addresses
#: come from the Slack and forum APIs.
NEWCOMER_EMAIL = "nadia.private@acme.example"
FORUM_EMAIL = "forum.private@beta.example"
IMPORT_EMAIL = "imported.private@gamma.example"
ALL_EMAILS = (*EMAILS, NEWCOMER_EMAIL, FORUM_EMAIL, IMPORT_EMAIL)
OPTED_OUT = "Kofi Mensah"  # asked not to be shown publicly


#: The Distinguished Contributor panel and what only it may see.
PANEL = ("U0PANEL1", "U0PANEL2")
PANEL_CHANNEL = "C0PANEL"
JUSTIFICATION = "PRIVATE-JUSTIFICATION-7781 she mentored three newcomers"


def _config() -> dict[str, Any]:
    data = community_config(copy.deepcopy(BASE_CONFIG))
    data["outbox"] = {"slack_interval_seconds": 0}
    data["distinguished"] = {
        "review_channel": PANEL_CHANNEL,
        "panel": [
            {"user": PANEL[0], "constituency": "core-committers"},
            {"user": PANEL[1], "constituency": "partners"},
        ],
    }
    return data


@pytest.fixture(scope="module")
def db_backend(request: pytest.FixtureRequest) -> str:
    return str(request.param)


@pytest.fixture(scope="module")
def stack(
    db_backend: str, request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Stack]:
    with open_stack(db_backend, request, tmp_path_factory, config=_config()) as running:
        build_community(running.runtime)
        yield running


def _private_values() -> list[str]:
    return [*PRIVATE.values(), *SECRETS, JUSTIFICATION, *PANEL, "Panel Person"]


def _leaks(text_: str, *, emails: bool = True) -> list[str]:
    lowered = text_.lower()
    found = [value for value in _private_values() if value.lower() in lowered]
    if emails:
        found += [email for email in ALL_EMAILS if email in lowered]
    return found


# -- web: every route, with query strings -------------------------------------------------

QUERIES = (
    "",
    "?format=json",
    "?private=1&include=conduct,warnings,payments,emails,leads",
    "?debug=1&all=1&show=private",
    "?service=Hosting&region=Europe&language=English",
    "?member=ann@acme.example&email=1",
    "?limit=100000&offset=-1",
    "?month=2026-10&slug=beta&level=3",
)
VALUES = {
    "key": (
        "acme",
        "beta",
        "gamma",
        "delta",
        "epsilon",
        "zeta",
        "core",
        "2025",
        "2026",
        "2026-10",
        "2026-09",
        "leads",
        "conduct",
        "payments",
        "nope",
        "..",
        "2026-13",
    ),
}
GENERIC_VALUES = ("acme", "beta", "epsilon", "2026", "2026-10", "engineer", "1", "nope", "..")


def _paths(stack: Stack) -> list[str]:
    """Every GET route of the app with its parameters filled in every way we know."""
    paths: list[str] = []
    for route in stack.app.app.routes:
        if not isinstance(route, Route) or "GET" not in (route.methods or set()):
            continue
        names = re.findall(r"{(\w+)(?::\w+)?}", route.path)
        if not names:
            paths.append(route.path)
            continue
        (name,) = names  # one parameter per route so far; two would need combining here
        for value in VALUES.get(name, GENERIC_VALUES):
            paths.append(re.sub(r"{\w+(?::\w+)?}", value, route.path))
    return paths


def test_no_route_shows_private_data_or_secrets_whatever_the_query(
    stack: Stack, production: CapturedLogs
) -> None:
    """After the month below (so nominations, votes and decisions are in too)."""
    paths = _paths(stack)
    assert "Ann Archer" in stack.http.get("/distinguished").text  # approved: public now
    assert "/partners/acme" in paths and "/api/reports/2026-10" in paths
    seen = 0
    for number, path in enumerate(paths):
        # each page plain, and with two of the queries (all of them across the pages)
        for query in {"", QUERIES[number % len(QUERIES)], QUERIES[(number * 3 + 1) % len(QUERIES)]}:
            response = stack.http.get(path + query)
            assert response.status_code in (200, 302, 404), (path + query, response.status_code)
            body = response.text  # all of it, charts (<svg>) included
            assert _leaks(body) == [], path + query
            lowered = body.lower()
            for word in PRIVATE_WORDS:
                # (a page that is not found repeats the address it was asked for)
                assert word not in lowered or word in path + query, (word, path + query)
            assert "98765" not in body and "98,765" not in body, path + query
            seen += response.status_code == 200
    assert seen > 60


def test_the_webhook_routes_answer_other_methods_without_a_server_error(stack: Stack) -> None:
    for route in stack.app.app.routes:
        if not isinstance(route, Route) or "{" in route.path:
            continue
        for method in ("GET", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"):
            if method in (route.methods or set()):
                continue
            response = stack.http.request(method, route.path)
            assert response.status_code == 405, (method, route.path, response.status_code)
            assert _leaks(response.text) == []


# -- a month of production, logged at DEBUG -----------------------------------------------


def _run_job(stack: Stack, name: str, period: str, at: datetime) -> None:
    stack.runtime.clock.set(at)  # type: ignore[attr-defined]
    result = run_job(stack.runtime, JOBS[name], period, "f3-test")
    assert result.status == RunStatus.DONE, result
    gateways = open_gateways(stack.runtime.settings)
    keys = list(result.outcome.outbox_keys) if result.outcome else []
    deliver_due(stack.runtime, gateways.slack, gateways.discourse, stack.runtime.now(), keys=keys)


def _month_of_production(stack: Stack, logs: CapturedLogs, tmp_path: Any) -> None:
    slack, forum = stack.slack_api, stack.forum
    # Someone Slack has never seen writes in a channel: users.info answers their e-mail.
    slack.add_user("U0NADIA", "Nadia Newcomer", NEWCOMER_EMAIL)
    envelope = slack_payload("event_message_thread_reply")
    envelope["event_id"] = "EvPRIVATE0001"
    envelope["event"] |= {"user": "U0NADIA", "text": "hello all", "ts": "1793600100.000100"}
    envelope["event"].pop("thread_ts")
    assert stack.slack(dump(envelope)).status_code == 200
    # A forum user joins; the forum sends their e-mail in the webhook.
    joined = discourse_payload("user_created")
    (key,) = joined
    joined[key] |= {"id": 9901, "username": "forum_private", "email": FORUM_EMAIL}
    assert stack.discourse(dump(joined), "user_created").status_code == 200
    # An accepted answer by someone creditbot has not met: their e-mail is asked from the API.
    forum.add_user("ines_p", "ines.private@beta.example", user_id=91, name="Ines P")
    solved = discourse_payload("accepted_solution")
    solved["solved"] |= {"id": 9902, "username": "ines_p", "user_id": 91}
    assert stack.discourse(dump(solved), "accepted_solution").status_code == 200
    # An import with e-mail addresses.
    lines = tmp_path / "talks.jsonl"
    lines.write_text(
        json.dumps({"member": IMPORT_EMAIL, "type": "talk", "at": "2026-10-20", "ref": "t-1"})
        + "\n",
        encoding="utf-8",
    )
    import_credits(stack.runtime, lines)
    # A nomination for the Distinguished Contributor programme, and the panel's votes.
    _nominate_and_vote(stack)
    # Slack fails for a while: deliveries wait and are logged.
    slack.fail("chat.postMessage", 500, times=2)
    # The month's jobs: standing (warnings, a removal), inactivity, the shout-out.
    _run_job(stack, "monthly-shoutout", "2026-10", datetime(2026, 11, 1, 9, tzinfo=UTC))
    _run_job(stack, "standing", "2026-11", datetime(2026, 12, 1, 10, tzinfo=UTC))
    _run_job(stack, "inactivity", "2026-12-01", datetime(2026, 12, 1, 10, tzinfo=UTC))
    _run_job(stack, "distinguished-decide", "2026", datetime(2026, 12, 1, 10, tzinfo=UTC))
    # Requests that crash: the database refuses to store a new person's e-mail address.
    slack.add_user("U0CRASH", "Crash Person", "crash.private@acme.example")
    _failing_writes(stack, on=True)
    try:
        crash = slack_payload("event_message_thread_reply")
        crash["event_id"] = "EvPRIVATE0002"
        crash["event"] |= {"user": "U0CRASH", "text": "hi", "ts": "1793600200.000100"}
        crash["event"].pop("thread_ts")
        stack.slack(dump(crash))
        # and a team lead credits them: the command fails and says sorry
        answer = stack.command("<@U0CRASH> talk 5 keynote", "U01LEAD")
        assert answer.status_code == 200
        assert any("Sorry" in text for text in stack.replies_to("U01LEAD"))
    finally:
        _failing_writes(stack, on=False)
    assert any(r.exc_info for r in logs.records), "\n".join(
        f"{r.levelname} {r.name} {r.getMessage()[:200]}" for r in logs.records[-40:]
    )


def _failing_writes(stack: Stack, *, on: bool) -> None:
    """A database that fails to store an e-mail address of the crash person (a trigger
    raises, as a full disk would): the failing statement carries the address."""
    postgres = stack.runtime.engine.dialect.name == "postgresql"
    with stack.runtime.engine.begin() as connection:
        if on and postgres:
            connection.execute(
                text(
                    "CREATE FUNCTION f3_fail() RETURNS trigger AS $$ BEGIN "
                    "IF NEW.value LIKE 'crash.private@%' THEN RAISE EXCEPTION 'the disk is full'; "
                    "END IF; RETURN NEW; END $$ LANGUAGE plpgsql"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER f3_fail BEFORE INSERT ON identity "
                    "FOR EACH ROW EXECUTE FUNCTION f3_fail()"
                )
            )
        elif on:
            connection.execute(
                text(
                    "CREATE TRIGGER f3_fail BEFORE INSERT ON identity "
                    "WHEN NEW.value LIKE 'crash.private@%' "
                    "BEGIN SELECT RAISE(ABORT, 'the disk is full'); END"
                )
            )
        elif postgres:
            connection.execute(text("DROP TRIGGER f3_fail ON identity"))
            connection.execute(text("DROP FUNCTION f3_fail()"))
        else:
            connection.execute(text("DROP TRIGGER f3_fail"))


def _nominate_and_vote(stack: Stack) -> None:
    """Gus nominates Ann on 15 October; on 1 November one panel member approves and the
    other abstains (so she is approved on 1 December)."""
    slack = stack.slack_api
    slack.add_user("U0ANN", "Ann Archer", "ann@acme.example")
    slack.add_user("U0GUS", "Gus Grant", "gus@gamma.example")
    for user in PANEL:
        slack.add_user(user, f"Panel Person {user[-1]}", f"{user.lower()}@project.example")
    stack.runtime.clock.set(datetime(2026, 10, 15, 12, tzinfo=UTC))  # type: ignore[attr-defined]
    answer = stack.command(f"<@U0ANN> engineer {JUSTIFICATION}", "U0GUS", command="/nominate")
    assert answer.status_code == 200
    with stack.runtime.reader() as uow:
        (nomination,) = uow.distinguished.nominations()
    stack.runtime.clock.set(datetime(2026, 11, 1, 12, tzinfo=UTC))  # type: ignore[attr-defined]
    for user, action in zip(PANEL, ("dc_vote_approve", "dc_vote_abstain"), strict=True):
        body = copy.deepcopy(slack_payload("block_actions_answer"))
        body["user"]["id"] = user
        body["container"]["channel_id"] = body["channel"]["id"] = PANEL_CHANNEL
        body["response_url"] = slack.response_url(f"vote-{user}")
        body["state"] = {"values": {}}
        body["actions"][0] |= {
            "action_id": action,
            "block_id": f"dc_nomination:{nomination.id}",
            "value": str(nomination.id),
        }
        assert stack.interactive(body).status_code == 200
    with stack.runtime.reader() as uow:
        assert uow.distinguished.vote_counts(nomination.id) == 2


@pytest.fixture(scope="module")
def production(stack: Stack, tmp_path_factory: pytest.TempPathFactory) -> CapturedLogs:
    with captured_logs() as logs:
        _month_of_production(stack, logs, tmp_path_factory.mktemp("f3-private"))
    return logs


def _private_messages(stack: Stack) -> list[str]:
    """Every line of what the bot sent privately (DMs: warnings, alerts, summaries)."""
    lines = []
    for call in stack.slack_api.calls:
        if call.method == "chat.postMessage" and str(call.params.get("channel")).startswith("D"):
            lines += [line for line in str(call.params.get("text")).splitlines() if len(line) > 20]
    return lines


def test_the_logs_of_a_month_hold_no_secret_private_record_or_e_mail(
    stack: Stack, production: CapturedLogs
) -> None:
    everything = production.text()
    assert "Traceback" in everything  # the crash is in it, with its traceback
    assert len(production.records) > 50
    private_lines = _private_messages(stack)
    assert len(private_lines) > 5
    lowered = everything.lower()
    leaks = _leaks(everything) + [line for line in private_lines if line.lower() in lowered]
    assert "crash.private@acme.example" not in everything
    assert leaks == [], [
        line
        for line in everything.splitlines()
        if any(leak.lower() in line.lower() for leak in leaks)
    ][:5]


def _public_posts(stack: Stack) -> list[str]:
    """What the bot posted where others can read it: Slack channels (not DMs) and forum
    topics (not private messages)."""
    posts = [
        json.dumps(call.params)
        for call in stack.slack_api.calls
        if call.method in ("chat.postMessage", "chat.update")
        and not str(call.params.get("channel", "")).startswith("D")
        and call.params.get("channel") != PANEL_CHANNEL  # the panel's private channel
    ]
    for request in stack.forum.requests:
        public = request.form.get("archetype") != ["private_message"]
        if request.method == "POST" and request.path.startswith("/posts") and public:
            posts.append(json.dumps(request.form))
    return posts


def test_public_channels_and_forum_topics_hold_no_private_record(
    stack: Stack, production: CapturedLogs
) -> None:
    posts = _public_posts(stack)
    assert any("C01SHOUT" in post for post in posts), "the shout-out was posted"
    assert any("C01NEWS" in post for post in posts), "the removal was announced"
    for post in posts:
        assert _leaks(post) == [], post[:300]
        for word in PRIVATE_WORDS:
            assert word not in post.lower(), (word, post[:300])
        assert OPTED_OUT not in post


def test_the_warnings_did_go_out_privately(stack: Stack, production: CapturedLogs) -> None:
    """The other side: the private detail exists and reached the partner's contacts."""
    direct = [
        str(call.params.get("text"))
        for call in stack.slack_api.calls
        if call.method == "chat.postMessage" and str(call.params.get("channel", "")).startswith("D")
    ]
    assert any("short" in message or "minimum" in message for message in direct), direct[:3]


# -- creditbot serve --log-level debug, in its own process ----------------------------------


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def _until(what: str, condition: Callable[[], bool]) -> None:
    """Wait for the server process to get there (a bound, not a timing assertion); fail
    naming ``what`` if it never does."""
    for _attempt in range(1200):
        if condition():
            return
        time.sleep(0.05)
    pytest.fail(f"serve never got there: {what}")


def test_serve_at_debug_level_writes_no_secret_or_e_mail_to_its_output(
    tmp_path: Path,
) -> None:
    """The same promise for the real process: ``creditbot serve --log-level debug`` (its
    uvicorn and its logging set up as in production), everything it prints searched.
    Its database holds a conduct record and a standing warning that its own outbox
    worker delivers; neither shows in its output nor on its pages."""
    slack = SlackApiStandIn().start()
    forum = StandinDiscourse().start()
    try:
        for user_id, name, email, is_bot, deleted in PEOPLE:
            slack.add_user(user_id, name, email, is_bot=is_bot, deleted=deleted)
        add_help_thread(slack)
        forum.add_user("marco", "marco@gmail.com", user_id=63, name="Marco Rossi")
        forum.add_user("esther_o", "esther@beta.example", user_id=57, name="Esther Okafor")
        forum.add_topic(871, "How do I export grades to CSV?", "marco")
        forum.accept_answer(871, 3, "esther_o")  # the payload's post 3, accepted
        output, pages = _serve_and_use(tmp_path, slack, forum)
        warnings = _direct_messages(slack)
    finally:
        forum.stop()
        slack.stop()
    assert (
        "Uvicorn running" in output or "Application startup" in output or "GET /healthz" in output
    )
    assert any(SERVE_CONDUCT_NOTE[:20] not in w and "short" in w for w in warnings), warnings
    emails = [email for _, _, email, _, _ in PEOPLE if email] + ["esther@beta.example"]
    private = [*SECRETS, *emails, SERVE_CONDUCT_NOTE, "standing:beta", "standing:acme"]
    private += [line for warning in warnings for line in warning.splitlines() if len(line) > 30]
    found = [value for value in private if value in output]
    assert found == [], [line for line in output.splitlines() if any(f in line for f in found)][:5]
    for page in pages:
        assert SERVE_CONDUCT_NOTE not in page and "conduct" not in page.lower()
        assert "warning" not in page.lower()


#: The conduct record planted in the database ``creditbot serve`` runs on.
SERVE_CONDUCT_NOTE = "PRIVATE-CONDUCT-6613 shouted at a volunteer"


def _plant_a_conduct_record_and_warnings(url: str, config: Path) -> None:
    """A conduct record against Beta, then the standing job for November 2026 (both
    partners fall short: private warnings to their contacts), left in the outbox for
    serve to deliver."""
    settings = Settings(database_url=url, creditbot_config=str(config))
    runtime = Runtime.from_settings(
        settings, clock=FixedClock(datetime(2026, 12, 1, 10, tzinfo=UTC))
    )
    try:
        with runtime.uow() as uow:
            add_conduct_record(
                uow, date(2026, 11, 5), SERVE_CONDUCT_NOTE, runtime.now(), organisation="beta"
            )
            uow.commit()
        assert run_job(runtime, JOBS["standing"], "2026-11", "f3-plant").status == RunStatus.DONE
    finally:
        runtime.close()


def _direct_messages(slack: SlackApiStandIn) -> list[str]:
    return [
        str(call.get("text"))
        for call in slack.calls_to("chat.postMessage")
        if str(call.get("channel", "")).startswith(("D", "U"))
    ]


def _serve_and_use(
    tmp_path: Path, slack: SlackApiStandIn, forum: StandinDiscourse
) -> tuple[str, list[str]]:
    config = tmp_path / "creditbot.yml"
    config.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
    env = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'serve.db'}",
        "CREDITBOT_CONFIG": str(config),
        "SLACK_BOT_TOKEN": BOT_TOKEN,
        "SLACK_SIGNING_SECRET": SIGNING_SECRET,
        "SLACK_API_URL": slack.url,
        "DISCOURSE_URL": forum.url,
        "DISCOURSE_API_KEY": API_KEY,
        "DISCOURSE_API_USERNAME": API_USERNAME,
        "DISCOURSE_WEBHOOK_SECRET": WEBHOOK_SECRET,
    }
    env.pop("SLACK_APP_TOKEN", None)
    creditbot = [sys.executable, "-c", "from bot.cli import run; run()"]
    subprocess.run([*creditbot, "db", "upgrade"], env=env, cwd=tmp_path, check=True)
    _plant_a_conduct_record_and_warnings(env["DATABASE_URL"], config)
    port = _free_port()
    server = subprocess.Popen(
        [*creditbot, "serve", "--port", str(port), "--no-scheduler", "--log-level", "debug"],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    try:
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=10) as http:

            def healthy() -> bool:
                try:
                    return http.get("/healthz").status_code == 200
                except httpx.TransportError:
                    return False

            _until("/healthz answering 200", healthy)
            # a thank-you (users.info answers e-mails), a team lead's /credit, a forum answer
            thanks = json.dumps(slack_payload("event_message_thread_reply")).encode()
            form = slack_payload("command_credit") | {"response_url": slack.response_url("serve")}
            for body, kind in (
                (thanks, "application/json"),
                (urlencode(form).encode(), "application/x-www-form-urlencoded"),
            ):
                stamp = str(int(time.time()))
                headers = {
                    "Content-Type": kind,
                    "X-Slack-Request-Timestamp": stamp,
                    "X-Slack-Signature": sign(body, stamp),
                }
                assert http.post("/slack/events", content=body, headers=headers).status_code == 200
            solved = json.dumps(discourse_payload("accepted_solution")).encode()
            answer = http.post(
                "/discourse/webhook",
                content=solved,
                headers={
                    "Content-Type": "application/json",
                    "X-Discourse-Event-Type": "solved",
                    "X-Discourse-Event": "accepted_solution",
                    "X-Discourse-Event-Id": "1",
                    "X-Discourse-Event-Signature": discourse_signature(solved),
                },
            )
            assert answer.status_code == 200
            _until(
                "the question and the reply to /credit",
                lambda: bool(slack.posts_to("C01REVIEW")) and bool(slack.calls_to("response_url")),
            )
            _until(
                "the forum e-mail lookup", lambda: any("emails" in r.path for r in forum.requests)
            )
            # the planted warning, delivered by this process's outbox worker
            _until("the standing warning's DM", lambda: bool(_direct_messages(slack)))
            pages = [
                http.get(path).text
                for path in ("/partners", "/partners/beta", "/api/partners", "/reports")
            ]
    finally:
        server.terminate()
        output, _ = server.communicate(timeout=20)
    return output.decode("utf-8", "replace"), pages
