"""``creditbot serve``: the HTTP app under uvicorn, Socket Mode too with SLACK_APP_TOKEN,
and the scheduler (the outbox worker always; the timed jobs unless ``--no-scheduler``)."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import TYPE_CHECKING, Annotated

import typer

from bot.cli.common import open_runtime
from bot.config import Settings
from bot.errors import ExternalServiceError

if TYPE_CHECKING:
    from bot.slack.app import SlackApp

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
) -> None:
    """Serve Slack (events, /credit, buttons), Discourse webhooks and the public pages."""
    import uvicorn

    from bot.gateways import open_gateways
    from bot.http import build_app
    from bot.scheduler import build_scheduler
    from bot.slack.http import slack_app_of

    settings = Settings()
    settings.secret("SLACK_BOT_TOKEN", "creditbot serve")
    settings.secret("SLACK_SIGNING_SECRET", "creditbot serve")
    logging.basicConfig(
        level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    runtime = open_runtime()
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

    gateways = open_gateways(settings)
    gateways.slack = slack.gateway
    scheduler = build_scheduler(runtime, gateways, timed=not no_scheduler)
    scheduler.apscheduler.add_job(
        _retry_slack_events(slack),
        "interval",
        seconds=SLACK_RETRY_SECONDS,
        id="slack-pending",
        name="handle again the Slack events that waited for Slack",
    )
    scheduler.start()
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
        slack.close()
        runtime.close()


def _retry_slack_events(slack: SlackApp) -> Callable[[], None]:
    def run() -> None:
        try:
            slack.services.events.process_pending(slack.identity().get("user_id"))
        except Exception:  # Slack or the database still away: the next round tries again
            log.exception("retrying Slack events failed")

    return run


def register(app: typer.Typer) -> None:
    app.command("serve")(serve)
