"""Running the outbox worker by hand, and counting what reached the stand-ins."""

from __future__ import annotations

from datetime import datetime

import pytest

from bot.gateways import Gateways
from bot.outbox.worker import DeliveryResult, Pacer, deliver_due
from bot.ports import DiscourseSender, SlackSender
from bot.runtime import Runtime
from storage.repositories.outbox import OutboxMessage
from tests.standins.slack_api import SlackApiStandIn


def run_outbox_worker(
    runtime: Runtime,
    slack: SlackSender | None,
    discourse: DiscourseSender | None = None,
    rounds: int = 20,
) -> None:
    """What the outbox worker of ``creditbot serve`` does every few seconds, until nothing
    more is due now (a message a busy moment left waiting behind another goes out here)."""
    for _ in range(rounds):
        result = deliver_due(runtime, slack, discourse, runtime.now())
        if result.nothing_done and not result.released:
            return
    pytest.fail(f"the outbox still had work after {rounds} rounds")


def deliver(runtime: Runtime, gateways: Gateways, now: datetime) -> DeliveryResult:
    """One round of the outbox worker, without the Slack pacing pauses."""
    return deliver_due(runtime, gateways.slack, gateways.discourse, now, pacer=Pacer(0))


def arrivals(message: OutboxMessage, slack_api: SlackApiStandIn) -> int:
    """How many times a Slack outbox message reached the Slack stand-in."""
    text = message.payload["text"]
    if message.kind == "update":
        return sum(
            1
            for call in slack_api.calls_to("chat.update")
            if (call.get("channel"), call.get("ts"), call.get("text"))
            == (message.target, message.payload["ts"], text)
        )
    channel = message.target if message.kind == "post" else "D" + message.target[1:]
    return sum(
        1
        for call in slack_api.calls_to("chat.postMessage")
        if call.get("channel") == channel and call.get("text") == text
    )
