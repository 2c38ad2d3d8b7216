"""The process that ``creditbot serve`` runs, built in one place.

:func:`build_process` wires everything a server needs around one runtime: the Slack app
(handed to the HTTP app, which serves it on ``/slack/events``), the HTTP app with its
thread pools (:mod:`bot.executors`), the event worker processes and their supervision
(:mod:`bot.slack.intake.processes`), Socket Mode when a token is set, and the scheduler
(the outbox always, the timed jobs unless told not to, and the retry of Slack events).
``serve`` only reads its options, runs the HTTP app under uvicorn, and closes it.

``/healthz`` answers 200 while this replica can store what it receives (its spool on
SQLite, else the database, answers, and its recorder has room): a shared backlog or a
dead worker is reported in the body, never as a 503, so that a load balancer never takes
every replica out over work that any of them can do later.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import text
from starlette.applications import Starlette

from bot.errors import ExternalServiceError
from bot.executors import Executors
from bot.gateways import open_gateways
from bot.http import build_app
from bot.jobs.scheduler import Scheduler, build_scheduler
from bot.runtime import Runtime
from bot.slack.app import SlackApp
from bot.slack.intake.processes import EventProcesses

log = logging.getLogger("creditbot.serve")

#: Seconds between two rounds of the retry of Slack events (spooled, or due in the inbox).
SLACK_RETRY_SECONDS = 60


@dataclass
class ServeProcess:
    """Everything one ``serve`` runs; :meth:`start` it, serve :attr:`http`, :meth:`close`."""

    runtime: Runtime
    slack: SlackApp
    executors: Executors
    scheduler: Scheduler
    workers: EventProcesses | None = None
    socket_mode: Any = None
    http: Starlette = field(init=False)

    def __post_init__(self) -> None:
        self.http = build_app(
            self.runtime, slack=self.slack, executors=self.executors, health=self.health
        )

    def start(self) -> None:
        if self.socket_mode is not None:
            self.socket_mode.connect()
            log.info("Socket Mode connected")
        if self.workers is not None:
            self.workers.start()
        self.scheduler.start()

    def close(self) -> None:
        """After the HTTP server stopped: finish what was acknowledged, then let go."""
        self.scheduler.shutdown(wait=False)
        if self.socket_mode is not None:
            self.socket_mode.close()
        self.slack.drain(timeout=30)
        if self.workers is not None:
            self.workers.stop()  # after the acknowledged events are stored
        self.slack.close()
        self.executors.shutdown()
        self.runtime.close()

    def health(self) -> tuple[int, dict[str, Any]]:
        """``/healthz``: 200 while this replica can store what it receives (see above)."""
        body: dict[str, Any] = {"status": "ok"}
        now = datetime.now(UTC)
        oldest: list[float] = []
        try:
            spooled, first = (0, None) if self.slack.spool is None else self.slack.spool.backlog()
            with self.runtime.reader() as uow:
                uow.session.execute(text("SELECT 1"))
                pending, received = uow.inbox.backlog()
        except Exception as error:  # where events are stored does not answer
            log.warning("health check: the database does not answer: %s", error)
            return 503, {"status": "unavailable", "reason": "the database does not answer"}
        if received is not None:
            oldest.append((now - received).total_seconds())
        if first is not None:
            oldest.append(_age_of_spooled(first, now))
        body["backlog"] = {"spooled": spooled, "inbox_pending": pending}
        body["oldest_unhandled_seconds"] = round(max(oldest), 1) if oldest else None
        in_process: list[dict[str, object]] = [{"in_process": True}]
        body["workers"] = self.workers.state() if self.workers is not None else in_process
        if not self.slack.recorder.has_room():
            return 503, body | {"status": "busy", "reason": "too many events wait to be stored"}
        return 200, body


def _age_of_spooled(payload: str, now: datetime) -> float:
    """Seconds since Slack sent a spooled event (its envelope's ``event_time``)."""
    try:
        sent = float(json.loads(payload).get("event_time") or 0)
    except (ValueError, AttributeError, TypeError):
        return 0.0
    return max(0.0, now.timestamp() - sent) if sent else 0.0


def build_process(
    runtime: Runtime, *, event_workers: int = 1, timed: bool = True, log_level: str = "info"
) -> ServeProcess:
    """The whole ``serve`` process for one runtime (not started). Raises
    ExternalServiceError when Slack does not know the bot token."""
    settings = runtime.settings
    slack = SlackApp(runtime)
    try:
        identity = slack.identity()
    except ExternalServiceError as error:
        raise ExternalServiceError(
            "Slack",
            f"{error.detail}; check SLACK_BOT_TOKEN and SLACK_API_URL",
            transient=error.transient,
        ) from None
    log.info("connected to Slack as %s (%s)", identity.get("user"), identity.get("user_id"))
    socket_mode = None
    if settings.slack_app_token is not None and settings.slack_app_token.get_secret_value():
        from slack_bolt.adapter.socket_mode import SocketModeHandler

        socket_mode = SocketModeHandler(
            slack.bolt, settings.slack_app_token.get_secret_value(), web_client=slack.bolt.client
        )
    workers = None
    if event_workers:
        slack.handled_elsewhere = True
        workers = EventProcesses(event_workers, identity.get("user_id"), log_level)
    gateways = open_gateways(settings)
    gateways.slack = slack.gateway
    scheduler = build_scheduler(runtime, gateways, timed=timed)
    scheduler.apscheduler.add_job(
        retry_slack_events(slack),
        "interval",
        seconds=SLACK_RETRY_SECONDS,
        # At once too: what an earlier run left (spooled, or due in the inbox) goes first.
        next_run_time=datetime.now(UTC),
        id="slack-pending",
        name="handle again the Slack events that waited for Slack",
    )
    return ServeProcess(runtime, slack, Executors(), scheduler, workers, socket_mode)


def retry_slack_events(slack: SlackApp) -> Callable[[], None]:
    """serve's job handling again the events that waited (for Slack, or left by a run
    with workers); it stops with the Slack app, giving back what it claimed."""

    def run() -> None:
        events = slack.services.events
        try:
            if slack.spool is not None and not slack.handled_elsewhere:
                while events.take_spooled(slack.spool):  # left by a run with workers
                    pass
            events.process_pending(slack.identity().get("user_id"), stop=slack.closing.is_set)
        except Exception:  # Slack or the database still away: the next round tries again
            log.exception("retrying Slack events failed")

    return run
