"""The Bolt app: built from a runtime, its listeners registered, its background work tracked.

Bolt runs each listener in a :class:`BackgroundWork` of its own
(``process_before_response=False``) and answers as soon as the listener acks. Those
threads only read the request and ack: the slow work after the ack (the database,
Slack's Web API, deliveries) goes to a second pool, :attr:`SlackApp.work`, through the
listener's ``after_ack`` (:mod:`bot.slack.intake.after_ack`). So a database held by another
process (a long ``creditbot import``) makes the work wait, never the acks; a command's or a
click's work, which Slack never sends again, waits only a moment, then tells the person the
bot is busy and that nothing was changed. ``drain()``
waits until all of it is finished (tests, and a clean shutdown).

The Events API events that the inbox keeps (messages, reactions, joins: see
:meth:`SlackApp.receive`) take a shorter way over HTTP, without Bolt: stored in the
inbox before the ack (by one recording thread), then handled by the bounded
:class:`~bot.slack.intake.worker.EventWorker` (the same services a retry calls), or by
event worker processes (``serve --event-workers``, which stores them in a spool on
SQLite: :mod:`storage.spool`). So a
Bolt listener for these events only sees them through Socket Mode; what they should
do belongs in :class:`~bot.slack.handlers.events.SlackEvents`.

Signatures are checked before Bolt sees a request (see :mod:`bot.slack.http`, which
checks them over the raw bytes), and Socket Mode needs none, so Bolt's own check is
off. Bolt learns who the bot is from ``auth.test``, asked once and kept.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, ParamSpec, TypeVar

from slack_bolt import App, BoltContext, Respond
from slack_bolt.authorization import AuthorizeResult
from slack_bolt.logger.messages import warning_client_prioritized_and_token_skipped
from slack_sdk import WebClient

from bot.runtime import Runtime
from bot.slack.gateway import WebClientSlackGateway
from bot.slack.handlers.events import KINDS
from bot.slack.handlers.services import SlackServices
from bot.slack.intake.after_ack import AfterAck
from bot.slack.intake.busy import tell_busy
from bot.slack.intake.worker import EventRecorder, EventWorker
from bot.slack.listeners import actions, commands, events, views
from storage.spool import EventSpool, spool_path

log = logging.getLogger("creditbot.slack")

APOLOGY = (
    "Sorry, something went wrong on my side and nothing was changed. "
    "Please try again in a minute; if it keeps happening, tell a team lead."
)

P = ParamSpec("P")
T = TypeVar("T")


class BackgroundWork(ThreadPoolExecutor):
    """A thread pool that knows what is still running, so it can be waited for."""

    def __init__(self, max_workers: int = 8, name: str = "creditbot-slack") -> None:
        super().__init__(max_workers=max_workers, thread_name_prefix=name)
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


class _ClientTokenNotice(logging.Filter):
    """Bolt reads ``SLACK_BOT_TOKEN`` from the environment itself and, since we give it a
    client, warns at every start that the token will be unused. Our client has no token
    on purpose (each request's token comes from ``authorize``): the warning says nothing."""

    def filter(self, record: logging.LogRecord) -> bool:
        return record.getMessage() != warning_client_prioritized_and_token_skipped()


def _bolt_logger() -> logging.Logger:
    logger = logging.getLogger("creditbot.slack.bolt")
    if not any(isinstance(f, _ClientTokenNotice) for f in logger.filters):
        logger.addFilter(_ClientTokenNotice())
    return logger


class SlackApp:
    """The Bolt app of one runtime, with the gateway and services it uses."""

    def __init__(self, runtime: Runtime, gateway: WebClientSlackGateway | None = None) -> None:
        settings = runtime.settings
        self.token = settings.secret("SLACK_BOT_TOKEN", "the Slack app")
        signing_secret = settings.secret("SLACK_SIGNING_SECRET", "the Slack app")
        self.runtime = runtime
        self.gateway = gateway or WebClientSlackGateway(self.token, settings.slack_api_url)
        self.services = SlackServices(runtime, self.gateway)
        #: Bolt's listeners: they read the request and ack, nothing slow.
        self.listeners = BackgroundWork(name="creditbot-slack-ack")
        #: What listeners do after their ack (see :mod:`bot.slack.intake.after_ack`).
        self.work = BackgroundWork(name="creditbot-slack-work")
        self.events = EventWorker(self._handle_received, self._catch_up)
        self.recorder = EventRecorder(self._record, record_now=self._record_now)
        #: Whether received events are left to event worker processes (``serve
        #: --event-workers``): then they are recorded due, and not handled here.
        self.handled_elsewhere = False
        #: Set when :meth:`close` begins: work in hand (serve's retry of waiting events)
        #: stops after the event it is handling and gives back what it claimed.
        self.closing = threading.Event()
        #: Where received events are stored first on a SQLite file: a spool of their
        #: own, whose writes never wait for the database's (a long import holds it), so
        #: an event is stored before its 200 whatever holds the database (see
        #: :mod:`storage.spool`). None (PostgreSQL): the inbox itself.
        spooling = spool_path(settings.database_url)
        self.spool: EventSpool | None = EventSpool(spooling) if spooling is not None else None
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
            listener_executor=self.listeners,
            logger=_bolt_logger(),
        )
        self.bolt.use(self._give_after_ack)
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

    def _give_after_ack(
        self, context: BoltContext, body: dict[str, Any], next: Callable[[], None]
    ) -> None:
        """Middleware: the ``after_ack`` of this request, for its listener."""
        respond = context.respond

        def on_error(error: Exception) -> None:
            self._on_error(error, body, respond)

        def on_busy() -> None:
            tell_busy(self.gateway, body, respond)

        # Slack sends an event again if it is not acked; a command or a click, never.
        asked = body.get("type") != "event_callback"
        context["after_ack"] = AfterAck(self.work, on_error, on_busy if asked else None)
        next()

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

    # -- events received over HTTP -------------------------------------------------------
    @staticmethod
    def takes(body: Mapping[str, Any]) -> bool:
        """Whether :meth:`receive` takes this request (instead of Bolt)."""
        event = body.get("event")
        return (
            body.get("type") == "event_callback"
            and isinstance(event, Mapping)
            and event.get("type") in KINDS
        )

    async def receive(self, envelope: Mapping[str, Any], payload: str) -> None:
        """Store an event that needs handling in the inbox and queue it: returns once it
        is stored, or after a second with the database busy (it is stored later); raises
        when it cannot be taken now. A redelivered one is stored once."""
        await self.recorder.record(envelope, payload)

    def _record(self, received: Sequence[tuple[Mapping[str, Any], str]]) -> None:
        """The recorder's work: what needs handling, into the inbox and the queue."""
        bot_user_id = self.identity().get("user_id")
        events = self.services.events
        # A bot's message, an edit, another emoji...: nothing to do, nothing stored.
        wanted = [(e, payload) for e, payload in received if events.triage(e, bot_user_id) is None]
        if not wanted:
            return
        if self.spool is not None:  # emptied into the inbox by whoever handles events
            self.spool.add([payload for _envelope, payload in wanted])
            if not self.handled_elsewhere:
                self.events.left_waiting()
            return
        room = 0 if self.handled_elsewhere else self.events.room()
        held = [n < room for n in range(len(wanted))]
        ids = events.receive(
            [(e, payload, h) for (e, payload), h in zip(wanted, held, strict=True)]
        )
        for (envelope, _payload), was_held, entry_id in zip(wanted, held, ids, strict=True):
            if entry_id is None:
                continue  # received before
            if was_held:
                self.events.put(entry_id, envelope)
            elif not self.handled_elsewhere:
                self.events.left_waiting()

    def _record_now(self, received: tuple[Mapping[str, Any], str]) -> bool:
        """:meth:`_record` on the request's thread, if it needs no wait: into the spool
        only, with the bot's identity known, the spool free (see ``EventRecorder``)."""
        if self.spool is None or self._identity is None:
            return False
        envelope, payload = received
        if self.services.events.triage(envelope, self._identity.get("user_id")) is None:
            if not self.spool.try_add([payload]):
                return False
            if not self.handled_elsewhere:
                self.events.left_waiting()
        return True

    def _handle_received(self, entry_id: int, envelope: Mapping[str, Any]) -> None:
        self.services.events.handle_entry(entry_id, envelope, self.identity().get("user_id"))

    def _catch_up(self, limit: int, stop: Callable[[], bool]) -> bool:
        """Handle inbox entries that are due (left waiting); whether more are due. Once
        ``stop()`` says so (closing), the entries claimed and not handled are given back."""
        events = self.services.events
        moved = events.take_spooled(self.spool, limit) if self.spool is not None else 0
        events.process_pending(self.identity().get("user_id"), limit, stop=stop)
        return bool(moved) or events.any_due()

    # -- life --------------------------------------------------------------------------
    def drain(self, timeout: float = 30.0) -> bool:
        """Wait for the work started by requests so far: Bolt's listeners and their work
        after the ack (see :class:`BackgroundWork`), and the received events (see
        :mod:`bot.slack.intake.worker`)."""
        deadline = time.monotonic() + timeout
        parts = (self.recorder.drain, self.events.drain, self.listeners.drain, self.work.drain)
        while True:
            for drain in parts:
                if not drain(max(0.0, deadline - time.monotonic())):
                    return False
            if all(drain(0) for drain in parts):
                return True

    def close(self) -> None:
        self.closing.set()
        self.recorder.close()
        self.events.close()
        self.listeners.shutdown(wait=True)
        self.work.shutdown(wait=True)
        if self.spool is not None:
            self.spool.close()
