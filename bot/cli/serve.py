"""``creditbot serve``: the process built by :mod:`bot.app` (the HTTP app, Socket Mode too
with SLACK_APP_TOKEN, the event workers, and the scheduler: the outbox worker always, the
timed jobs unless ``--no-scheduler``), its HTTP app run under uvicorn.

On SIGTERM (a deployment stopping it) or Ctrl-C it stops taking requests, then finishes
the work of the events it already acknowledged before it exits: Slack does not send an
acknowledged event again, so that work must not be dropped.
"""

from __future__ import annotations

import logging
import os
import signal
import threading
from types import FrameType
from typing import Annotated

import typer

from bot.cli.common import open_runtime
from bot.config import Settings
from bot.slack.intake.processes import COMMAND


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

    from bot.app import build_process
    from storage.engine import share_writer_turns

    settings = Settings()
    settings.secret("SLACK_BOT_TOKEN", "creditbot serve")
    settings.secret("SLACK_SIGNING_SECRET", "creditbot serve")
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runtime = open_runtime()
    share_writer_turns(runtime.engine)  # SQLite: writers of all processes queue in turn
    process = build_process(
        runtime, event_workers=event_workers, timed=not no_scheduler, log_level=log_level
    )
    process.start()
    if threading.current_thread() is threading.main_thread():
        # uvicorn stops gracefully on SIGTERM, puts back the handler it found and raises
        # the signal again: with the default handler the process would die right there,
        # before the clean-up below drains the acknowledged events' work.
        signal.signal(signal.SIGTERM, _exit_normally)
    try:
        uvicorn.run(
            process.http,
            host=host,
            port=port,
            log_level=log_level.lower(),
            proxy_headers=True,
            lifespan="off",
            ws="none",
        )
    finally:
        process.close()


def _exit_normally(signum: int, frame: FrameType | None) -> None:
    """SIGTERM after uvicorn has shut down: leave through the clean-up, exit code 0."""
    raise SystemExit(0)


def slack_event_worker(
    bot_user_id: Annotated[str, typer.Option(help="the bot's Slack user id")] = "",
    parent: Annotated[int, typer.Option(help="stop when this process is gone")] = 0,
    log_level: Annotated[str, typer.Option(help="debug, info, warning or error")] = "info",
) -> None:
    """An event worker process of ``serve --event-workers`` (see bot.slack.intake.processes)."""
    from bot.slack.gateway import WebClientSlackGateway
    from bot.slack.handlers.services import SlackServices
    from bot.slack.intake.processes import work
    from bot.slack.intake.stop_request import StopRequest
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
