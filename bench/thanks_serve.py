"""Thank-you detection end to end: a labelled set replayed through a real ``creditbot serve``.

    python bench/thanks_serve.py [--cases tests/payloads/thanks/heldout.jsonl] [--limit N] [--by]

Each case becomes a Slack thread in a channel of its own on the loopback Slack stand-in
(``tests/standins/slack_api.py``), which serves its messages to
``conversations.replies`` and its people (handle, display and real name, bots) to
``users.info``. The reply judged is sent to ``/slack/events`` as Slack sends it: a
signed ``event_callback`` with its own event id. ``serve`` runs with the default
``thanks:`` rules; whatever it asks the team leads is what counts: every question
posted to the review channel is read back (whom it names, for which thread) and
compared with the case's label, with the same figures as ``bench/thanks_quality.py``.
So threading, user look-ups, de-duplication and the outbox are part of the figure.

The pure detector's figures on the same cases are printed beside them, as the reference.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bench.bench_ack import (  # noqa: E402
    SECRET,
    TEAM,
    TOKEN,
    _free_port,
    _headers,
    _inbox,
    _stop,
    _wait_until_listening,
)
from bench.thanks_quality import (  # noqa: E402
    HELDOUT,
    LabelledCase,
    Outcome,
    Quality,
    evaluate,
    evaluation_rules,
    load_cases,
    report,
)
from scoring.thanks import ThanksVerdict  # noqa: E402
from tests.standins.slack_api import BOT_USER_ID, SlackApiStandIn  # noqa: E402

REVIEW = "C0REVIEW"
CONFIG = {
    "timezone": "UTC",
    "slack": {"review_channel": REVIEW, "shoutout_channel": "C0SHOUT", "team_leads": ["U0LEAD"]},
}
QUESTION = re.compile(r"<@([UW][A-Z0-9]+)> in <#([A-Z0-9]+)>")
SETTLE_SECONDS = 3.0
WAIT_SECONDS = 300.0


def _channel(number: int) -> str:
    return f"C0T{number:06d}"


def _profile(user: str, row: dict[str, Any]) -> dict[str, Any]:
    known = (row.get("users") or {}).get(user) or {}
    real = known.get("real_name") or known.get("name") or user
    return {
        "id": user,
        "team_id": TEAM,
        "name": known.get("name") or user.lower(),
        "real_name": real,
        "deleted": False,
        "is_bot": bool(known.get("is_bot")),
        "is_app_user": False,
        "profile": {"real_name": real, "display_name": known.get("display_name") or ""},
    }


def _stage(slack: SlackApiStandIn, rows: list[dict[str, Any]]) -> None:
    """Every case's people and earlier messages, on the stand-in."""
    for number, row in enumerate(rows):
        channel, thread = _channel(number), row["thread"]
        people = {m["user"] for m in [*thread, row["message"]]} | set(row.get("users") or {})
        for user in people:
            slack.users.setdefault(user, _profile(user, row))
        for message in [*thread, row["message"]]:
            if message.get("is_bot"):  # the older cases mark bots on their messages
                slack.users[message["user"]]["is_bot"] = True
        parent = thread[0]["ts"] if thread else row["message"]["ts"]
        for message in thread:
            bot = slack.users[message["user"]]["is_bot"]
            slack.add_message(
                channel,
                message["ts"],
                message["user"],
                message["text"],
                thread_ts=parent,
                bot_id=("B" + message["user"][1:]) if bot else None,
            )


def _event(number: int, row: dict[str, Any], is_bot: bool) -> bytes:
    message, thread = row["message"], row["thread"]
    event = {
        "type": "message",
        "channel": _channel(number),
        "channel_type": "channel",
        "user": message["user"],
        "text": message["text"],
        "ts": message["ts"],
        "thread_ts": thread[0]["ts"] if thread else message["ts"],
        "event_ts": message["ts"],
        "team": TEAM,
    }
    if is_bot:
        event |= {"subtype": "bot_message", "bot_id": "B" + message["user"][1:]}
    body = {
        "token": "bench-verification",
        "team_id": TEAM,
        "api_app_id": "A0BENCH",
        "type": "event_callback",
        "event_id": f"Ev0THANKS{number:08d}",
        "event_time": int(float(message["ts"])),
        "event": event,
        "authorizations": [
            {
                "team_id": TEAM,
                "user_id": BOT_USER_ID,
                "is_bot": True,
                "is_enterprise_install": False,
            }
        ],
    }
    return json.dumps(body).encode("utf-8")


def _questions(slack: SlackApiStandIn) -> dict[str, str]:
    """The review channel's questions: thread channel -> the helper named."""
    asked: dict[str, str] = {}
    for call in list(slack.calls):
        if call.method != "chat.postMessage" or call.params.get("channel") != REVIEW:
            continue
        found = QUESTION.search(json.dumps(call.params.get("blocks") or call.params))
        if found:
            asked.setdefault(found.group(2), found.group(1))
    return asked


def _wait(database: Path, slack: SlackApiStandIn) -> None:
    """Until every event is handled and the review channel has been quiet for a while."""
    began, last, quiet_since = time.monotonic(), -1, time.monotonic()
    while time.monotonic() - began < WAIT_SECONDS:
        inbox = _inbox(database)
        # Events serve drops at once (a bot's message) never reach the inbox.
        waiting = sum(n for status, n in inbox.items() if status != "done")
        count = len(_questions(slack))
        if count != last:
            last, quiet_since = count, time.monotonic()
        if not waiting and time.monotonic() - quiet_since >= SETTLE_SECONDS:
            return
        time.sleep(0.5)
    print(f"gave up waiting: inbox {_inbox(database)}", file=sys.stderr)


def replay(rows: list[dict[str, Any]], workers: int) -> tuple[dict[str, str], dict[str, int]]:
    """Run ``serve``, send every case's reply, and return the questions it asked."""
    with tempfile.TemporaryDirectory(prefix="bench-thanks-") as tmp, SlackApiStandIn() as slack:
        _stage(slack, rows)
        database, config = Path(tmp) / "thanks.db", Path(tmp) / "creditbot.yml"
        config.write_text(yaml.safe_dump(CONFIG), encoding="utf-8")
        env = dict(
            os.environ,
            DATABASE_URL=f"sqlite:///{database}",
            CREDITBOT_CONFIG=str(config),
            SLACK_BOT_TOKEN=TOKEN,
            SLACK_SIGNING_SECRET=SECRET,
            SLACK_API_URL=slack.url,
        )
        env.pop("SLACK_APP_TOKEN", None)
        creditbot = str(Path(sys.executable).with_name("creditbot"))
        subprocess.run([creditbot, "db", "upgrade"], env=env, check=True, stdout=subprocess.DEVNULL)
        port = _free_port()
        command = [creditbot, "serve", "--host", "127.0.0.1", "--port", str(port)]
        command += ["--no-scheduler", "--log-level", "warning", "--event-workers", str(workers)]
        with (Path(tmp) / "serve.log").open("wb") as log:
            serve = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
            try:
                _wait_until_listening(serve, port)
                url = f"http://127.0.0.1:{port}/slack/events"
                statuses: dict[str, int] = {}
                with httpx.Client(timeout=30) as client:
                    for number, row in enumerate(rows):
                        bot = slack.users[row["message"]["user"]]["is_bot"]
                        body = _event(number, row, bot)
                        status = client.post(url, content=body, headers=_headers(body)).status_code
                        statuses[str(status)] = statuses.get(str(status), 0) + 1
                _wait(database, slack)
            finally:
                _stop(serve)
        return _questions(slack), statuses


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--cases", type=Path, default=HELDOUT)
    parser.add_argument("--limit", type=int, default=0, help="only the first N cases")
    parser.add_argument("--workers", type=int, default=0, help="serve --event-workers")
    parser.add_argument("--by", action="store_true", help="figures per language and per kind")
    args = parser.parse_args(argv)
    lines = [ln for ln in args.cases.read_text(encoding="utf-8").splitlines() if ln.strip()]
    rows = [json.loads(line) for line in lines][: args.limit or None]
    cases: list[LabelledCase] = load_cases(args.cases)[: len(rows)]
    asked, statuses = replay(rows, args.workers)
    outcomes = []
    for number, case in enumerate(cases):
        helper = asked.get(_channel(number))
        verdict = ThanksVerdict(helper is not None, helper, "asked through serve")
        outcomes.append(Outcome(case, verdict))
    print(f"== through creditbot serve ({args.cases.name}; HTTP answers: {statuses}) ==")
    print(report(Quality(tuple(outcomes)), by=args.by))
    print("\n== reference: the pure detector on the same cases ==")
    print(report(evaluate(cases, evaluation_rules())).split("\nmisclassified")[0])
    return 0


if __name__ == "__main__":
    sys.exit(main())
