"""The work a listener does after its ack, off Bolt's threads.

Bolt runs a listener in a small thread pool and answers Slack only once the listener has
called ``ack()``; a listener still waiting for its thread gets no answer (Bolt gives up
after 3 s with a 404, and Slack tells the person the command failed). So Bolt's threads
only read the request and ack: whatever is slow (the database, which another process may
hold for a while, and the Web API) is handed to :class:`AfterAck`, which runs it on a
pool of its own. Every listener gets one as its ``after_ack`` argument (set in the
context by :class:`~bot.slack.app.SlackApp`)::

    def on_credit(ack, body, respond, after_ack: AfterAck) -> None:
        ...
        ack()
        after_ack(lambda: respond(text=services.commands.run(...)))

A failure of that work is reported like one of the listener itself: logged with its
traceback, and the person who asked is told (through the request's ``response_url``).

Slash commands, buttons and forms are never sent again by Slack, so their work must not
wait for a database another process holds (a long ``creditbot import``): carried out
minutes later, or lost if the process dies meanwhile. Their work gets
:data:`COMMAND_WRITE_WAIT` seconds for its write turn (:mod:`storage.write_deadline`);
past that nothing is written and the person is told privately :data:`BUSY`.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any

from storage.errors import DatabaseBusy
from storage.write_deadline import bounded_write_wait

#: Seconds a command's or a button's work waits for the database's write turn. A write
#: of the bot takes milliseconds, so a wait this long means another process holds the
#: database (an import holds it for tens of seconds): saying so within seconds beats an
#: answer that comes after the person gave up (or never, if the process dies meanwhile).
COMMAND_WRITE_WAIT = 2.0

BUSY = "The bot is busy right now; nothing was changed. Please try again in a minute."


class AfterAck:
    """Runs one request's follow-up work on the work pool, its failures reported.

    ``on_busy``: the work is a command's or an interaction's, whose write may only wait
    :data:`COMMAND_WRITE_WAIT`; called (instead of ``on_error``) when it waited longer.
    """

    def __init__(
        self,
        pool: Executor,
        on_error: Callable[[Exception], None],
        on_busy: Callable[[], None] | None = None,
    ) -> None:
        self._pool = pool
        self._on_error = on_error
        self._on_busy = on_busy

    def __call__(self, work: Callable[[], Any]) -> None:
        self._pool.submit(self._run, work)

    def _run(self, work: Callable[[], Any]) -> None:
        try:
            if self._on_busy is None:
                work()
                return
            with bounded_write_wait(COMMAND_WRITE_WAIT):
                work()
        except DatabaseBusy:
            assert self._on_busy is not None  # only a bounded write raises it
            self._on_busy()
        except Exception as error:
            self._on_error(error)
