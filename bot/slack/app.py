"""The Bolt app: built from a runtime, its listeners registered, its background work tracked.

Bolt runs each listener in :class:`BackgroundWork` (``process_before_response=False``):
the HTTP answer goes back as soon as the listener acks, and the slow work (Slack
reads, the database, deliveries) carries on in that thread pool. ``drain()`` waits
until all of it is finished (tests, and a clean shutdown).

Signatures are checked before Bolt sees a request (see :mod:`bot.slack.http`, which
checks them over the raw bytes), and Socket Mode needs none, so Bolt's own check is
off. Bolt learns who the bot is from ``auth.test``, asked once and kept.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from slack_bolt import App, Respond
from slack_bolt.authorization import AuthorizeResult
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.services.slack import SlackServices
from bot.slack.gateway import WebClientSlackGateway
from bot.slack.listeners import actions, commands, events, views

log = logging.getLogger("creditbot.slack")

APOLOGY = (
    "Sorry, something went wrong on my side and nothing was changed. "
    "Please try again in a minute; if it keeps happening, tell a team lead."
)

P = ParamSpec("P")
T = TypeVar("T")


class BackgroundWork(ThreadPoolExecutor):
    """A thread pool that knows what is still running, so it can be waited for."""

    def __init__(self, max_workers: int = 8) -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix="creditbot-slack")
        self._idle = threading.Condition()
        self._pending: set[Future[Any]] = set()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        future = super().submit(fn, *args, **kwargs)
        with self._idle:
            self._pending.add(future)
        future.add_done_callback(self._finished)
        return future

    def _finished(self, future: Future[Any]) -> None:
        with self._idle:
            self._pending.discard(future)
            self._idle.notify_all()

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait until no work is left (work started by work included); False on timeout."""
        with self._idle:
            return self._idle.wait_for(lambda: not self._pending, timeout)


class SlackApp:
    """The Bolt app of one runtime, with the gateway and services it uses."""

    def __init__(self, runtime: Runtime, gateway: WebClientSlackGateway | None = None) -> None:
        settings = runtime.settings
        self.token = settings.secret("SLACK_BOT_TOKEN", "the Slack app")
        signing_secret = settings.secret("SLACK_SIGNING_SECRET", "the Slack app")
        self.runtime = runtime
        self.gateway = gateway or WebClientSlackGateway(self.token, settings.slack_api_url)
        self.services = SlackServices(runtime, self.gateway)
        self.work = BackgroundWork()
        self._identity: dict[str, Any] | None = None
        self._identity_lock = threading.Lock()
        reads = self.gateway.reads

        def authorize(
            enterprise_id: str | None, team_id: str | None, user_id: str | None
        ) -> AuthorizeResult:
            return self._authorize(enterprise_id, team_id, user_id)

        self.bolt = App(
            name="creditbot",
            signing_secret=signing_secret,
            # Without a token of its own: the token comes with each request's authorization.
            client=WebClient(
                base_url=reads.base_url, timeout=reads.timeout, retry_handlers=reads.retry_handlers
            ),
            authorize=authorize,
            request_verification_enabled=False,
            process_before_response=False,
            listener_executor=self.work,
            logger=logging.getLogger("creditbot.slack.bolt"),
        )
        commands.register(self.bolt, self.services)
        actions.register(self.bolt, self.services)
        views.register(self.bolt, self.services)
        events.register(self.bolt, self.services)  # last: it ends with a catch-all
        self.bolt.error(self._on_error)

    def identity(self) -> dict[str, Any]:
        """``auth.test`` of the bot token (asked once): user_id, bot_id, team_id."""
        with self._identity_lock:
            if self._identity is None:
                self._identity = self.gateway.who_am_i()
            return self._identity

    def _authorize(
        self, enterprise_id: str | None, team_id: str | None, user_id: str | None
    ) -> AuthorizeResult:
        me = self.identity()
        return AuthorizeResult(
            enterprise_id=me.get("enterprise_id") or enterprise_id,
            team_id=me.get("team_id") or team_id,
            bot_user_id=me.get("user_id"),
            bot_id=me.get("bot_id"),
            bot_token=self.token,
            user_id=user_id,
        )

    def _on_error(
        self, error: Exception, body: dict[str, Any], respond: Respond | None = None
    ) -> None:
        """Everything unexpected: logged with its traceback; a person who asked is told."""
        kind = body.get("type") or ("slash command" if body.get("command") else "request")
        event = (body.get("event") or {}).get("type")
        log.error(
            "Slack %s%s failed: %s",
            kind,
            f" ({event})" if event else "",
            error,
            exc_info=(type(error), error, error.__traceback__),
        )
        if respond is not None and body.get("response_url"):
            try:
                respond(text=APOLOGY, response_type="ephemeral", replace_original=False)
            except Exception:  # the apology itself failed: the log above says it all
                log.warning("could not tell the user about the failure", exc_info=True)

    def drain(self, timeout: float = 30.0) -> bool:
        """Wait for the work started by requests so far (see :class:`BackgroundWork`)."""
        return self.work.drain(timeout)

    def close(self) -> None:
        self.work.shutdown(wait=True)
