"""``creditbot serve``: the HTTP app under uvicorn, Socket Mode too with SLACK_APP_TOKEN,
and the scheduler (the outbox worker always; the timed jobs unless ``--no-scheduler``).

On SIGTERM (a deployment stopping it) or Ctrl-C it stops taking requests, then finishes
the work of the events it already acknowledged before it exits: Slack does not send an
acknowledged event again, so that work must not be dropped.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from collections.abc import Callable
from datetime import UTC, datetime
from types import FrameType
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import open_runtime
from bot.config import Settings
from bot.errors import ExternalServiceError
from bot.slack.event_processes import COMMAND

if TYPE_CHECKING:
    from bot.slack.app import SlackApp
    from storage.spool import EventSpool

log = logging.getLogger("creditbot.serve")

SLACK_RETRY_SECONDS = 60


def serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    no_scheduler: Annotated[
        bool,
        typer.Option(
            "--no-scheduler",
            help="no timed jobs (shout-out, standing, inactivity) in this process; "
            "messages are still delivered",
        ),
    ] = False,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error")] = "info",
    event_workers: Annotated[
        int,
        typer.Option(
            "--event-workers",
            min=0,
            help="handle Slack's message, reaction and join events in this many worker "
            "processes, at a lower priority; this one only stores and acknowledges them, "
            "so its answers to Slack never wait behind the handling. 0: a thread of this "
            "process handles them (one process, about half the memory)",
        ),
    ] = 1,
) -> None:
    """Serve Slack (events, /credit, buttons), Discourse webhooks and the public pages."""
    import uvicorn

    from bot.gateways import open_gateways
    from bot.http import build_app
    from bot.scheduler import build_scheduler
    from bot.slack.event_processes import EventProcesses
    from bot.slack.http import slack_app_of
    from storage.engine import share_writer_turns

    settings = Settings()
    settings.secret("SLACK_BOT_TOKEN", "creditbot serve")
    settings.secret("SLACK_SIGNING_SECRET", "creditbot serve")
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runtime = open_runtime()
    share_writer_turns(runtime.engine)  # SQLite: writers of all processes queue in turn
    app = build_app(runtime)
    slack = slack_app_of(app)
    assert slack is not None, "the Slack settings were checked above"
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
        socket_mode.connect()  # type: ignore[no-untyped-call]
        log.info("Socket Mode connected")

    # SQLite: received events go to a spool file beside the database (storage.spool).
    spool = slack.spool
    workers = None
    if event_workers:
        slack.handled_elsewhere = True
        workers = EventProcesses(event_workers, identity.get("user_id"), log_level)
        workers.start()

    gateways = open_gateways(settings)
    gateways.slack = slack.gateway
    scheduler = build_scheduler(runtime, gateways, timed=not no_scheduler)
    scheduler.apscheduler.add_job(
        _retry_slack_events(slack, spool),
        "interval",
        seconds=SLACK_RETRY_SECONDS,
        # At once too: what an earlier run left (spooled, or due in the inbox) goes first.
        next_run_time=datetime.now(UTC),
        id="slack-pending",
        name="handle again the Slack events that waited for Slack",
    )
    scheduler.start()
    if threading.current_thread() is threading.main_thread():
        # uvicorn stops gracefully on SIGTERM, puts back the handler it found and raises
        # the signal again: with the default handler the process would die right there,
        # before the clean-up below drains the acknowledged events' work.
        signal.signal(signal.SIGTERM, _exit_normally)
    try:
        uvicorn.run(
            app,
            host=host,
            port=port,
            log_level=log_level.lower(),
            proxy_headers=True,
            lifespan="off",
            ws="none",
        )
    finally:
        scheduler.shutdown(wait=False)
        if socket_mode is not None:
            socket_mode.close()  # type: ignore[no-untyped-call]
        slack.drain(timeout=30)
        if workers is not None:
            workers.stop()  # after the acknowledged events are stored
        slack.close()
        runtime.close()


def _exit_normally(signum: int, frame: FrameType | None) -> None:
    """SIGTERM after uvicorn has shut down: leave through the clean-up, exit code 0."""
    raise SystemExit(0)


def _retry_slack_events(slack: SlackApp, spool: EventSpool | None) -> Callable[[], None]:
    def run() -> None:
        events = slack.services.events
        try:
            if spool is not None and not slack.handled_elsewhere:
                while events.take_spooled(spool):  # left by a run with workers
                    pass
            events.process_pending(slack.identity().get("user_id"))
        except Exception:  # Slack or the database still away: the next round tries again
            log.exception("retrying Slack events failed")

    return run


def slack_event_worker(
    bot_user_id: Annotated[str, typer.Option(help="the bot's Slack user id")] = "",
    parent: Annotated[int, typer.Option(help="stop when this process is gone")] = 0,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error")] = "info",
) -> None:
    """An event worker process of ``serve --event-workers`` (see bot.slack.event_processes)."""
    from bot.services.slack import SlackServices
    from bot.slack.event_processes import work
    from bot.slack.gateway import WebClientSlackGateway
    from bot.slack.stop_request import StopRequest
    from storage.spool import EventSpool, spool_path

    stop = StopRequest()  # a flag set by the handlers, never a lock (see there)
    stop.install(signal.SIGTERM, signal.SIGINT)
    settings = Settings()
    token = settings.secret("SLACK_BOT_TOKEN", "creditbot serve")
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runtime = open_runtime()
    services = SlackServices(runtime, WebClientSlackGateway(token, settings.slack_api_url))
    spooling = spool_path(settings.database_url)
    spool = EventSpool(spooling) if spooling is not None else None
    try:
        work(services, spool, bot_user_id or None, stop, parent or os.getppid())
    finally:
        if spool is not None:
            spool.close()


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
    app.command(COMMAND, hidden=True)(slack_event_worker)
