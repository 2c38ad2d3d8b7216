"""The demo's shout-out step: October's shout-out, through the job, the outbox and the worker,
to gateways that print what they would send instead of calling Slack and Discourse."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.jobs.registry import JOBS
from bot.jobs.runs import run_job
from bot.outbox.drain import deliver_keys
from bot.outbox.worker import Pacer
from bot.runtime import Runtime

Echo = Callable[[str], None]


class PrintingSlack:
    """A Slack gateway that shows what it would post."""

    def __init__(self, echo: Echo) -> None:
        self._echo = echo
        self._count = 0

    def post_message(
        self,
        channel: str,
        text: str,
        blocks: list[dict[str, Any]] | None = None,
        thread_ts: str | None = None,
    ) -> str:
        self._count += 1
        self._echo(f"Slack, #{channel}: {len(blocks or [])} blocks; notification text:")
        self._echo(f"  {text}")
        self._echo("  blocks:")
        for block in blocks or []:
            for line in _block_text(block).splitlines():
                self._echo(f"  | {line}")
        return f"1793491200.{self._count:06d}"

    def update_message(
        self, channel: str, ts: str, text: str, blocks: list[dict[str, Any]] | None = None
    ) -> None:
        self._echo(f"Slack, #{channel}: update of {ts}: {text}")

    def send_dm(self, user: str, text: str, blocks: list[dict[str, Any]] | None = None) -> str:
        return self.post_message(f"DM {user}", text, blocks)


class PrintingDiscourse:
    """A Discourse gateway that shows the topic it would create."""

    def __init__(self, echo: Echo) -> None:
        self._echo = echo

    def create_topic(
        self, title: str, raw: str, category_id: int, external_id: str | None = None
    ) -> tuple[int, int]:
        self._echo(f"Discourse, category {category_id}, topic {title!r} ({external_id}):")
        for line in raw.splitlines():
            self._echo(f"  | {line}")
        return 1001, 10010

    def find_topic(self, external_id: str) -> int | None:
        return None

    def send_private_message(self, usernames: list[str], title: str, raw: str) -> int:
        self._echo(f"Discourse, private message to {', '.join(usernames)}: {title}")
        return 1002


def _block_text(block: dict[str, Any]) -> str:
    if block["type"] == "divider":
        return "---"
    if "text" in block:
        return str(block["text"]["text"])
    return " ".join(str(e.get("text", "")) for e in block.get("elements", []))


def run_shoutout_demo(runtime: Runtime, period: str, echo: Echo) -> None:
    """Run the monthly-shout-out job for ``period`` and show what it would post."""
    echo("")
    echo(f"== The shout-out for {period} (what `creditbot jobs run monthly-shoutout` posts) ==")
    result = run_job(runtime, JOBS["monthly-shoutout"], period, owner="demo")
    if result.outcome is None:
        echo(f"monthly-shoutout for {period}: {result.status.value} {result.error or ''}")
        return
    echo(result.outcome.summary)
    echo("")
    drained = deliver_keys(
        runtime,
        PrintingSlack(echo),
        PrintingDiscourse(echo),
        result.outcome.outbox_keys,
        pacer=Pacer(0),
    )
    echo("")
    for sent in drained.sent:
        echo(f"outbox: {sent.key} delivered ({sent.ref})")
    again = run_job(runtime, JOBS["monthly-shoutout"], period, owner="demo")
    echo(f"running it again for {period}: {again.status.value}; nothing more is posted")
