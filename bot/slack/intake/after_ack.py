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
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import Executor
from typing import Any


class AfterAck:
    """Runs one request's follow-up work on the work pool, its failures reported."""

    def __init__(self, pool: Executor, on_error: Callable[[Exception], None]) -> None:
        self._pool = pool
        self._on_error = on_error

    def __call__(self, work: Callable[[], Any]) -> None:
        self._pool.submit(self._run, work)

    def _run(self, work: Callable[[], Any]) -> None:
        try:
            work()
        except Exception as error:
            self._on_error(error)
