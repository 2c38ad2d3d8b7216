"""Everything the Slack adapter calls, for one runtime and one workspace.

:class:`SlackServices` bundles the use cases (events, ``/credit``, answers, App Home,
``/nominate`` and the panel's votes) with the gateway and delivery of the messages they
put in the outbox. Listeners get one and never touch the database or the Web API
themselves; the demo feeds it the same payloads Slack sends.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from bot.messages.slack.blocks import home_view
from bot.outbox.worker import deliver_due
from bot.ports import SlackReader
from bot.runtime import Runtime
from bot.services.inbox import EventOutcome
from bot.slack.handlers.answers import SlackAnswers
from bot.slack.handlers.commands import SlackCommands
from bot.slack.handlers.distinguished import SlackDistinguished
from bot.slack.handlers.events import SlackEvents
from bot.slack.handlers.home import home_content

log = logging.getLogger("creditbot.slack")

QUESTION_PREFIX = "question:"


class SlackServices:
    def __init__(self, runtime: Runtime, slack: SlackReader) -> None:
        self.runtime = runtime
        self.slack = slack
        self.events = SlackEvents(runtime, slack, self.deliver)
        self.commands = SlackCommands(runtime, slack, self.deliver)
        self.answers = SlackAnswers(runtime, self.deliver)
        self.distinguished = SlackDistinguished(runtime, slack, self.deliver)

    def deliver(self, keys: Sequence[str]) -> None:
        """Send these outbox messages now (what fails stays for the outbox worker).

        A question, once posted, is remembered on its suggestion (channel and ts); a
        nomination's panel message on its nomination.
        """
        result = deliver_due(self.runtime, self.slack, None, self.runtime.now(), keys=list(keys))
        posted = [d for d in result.sent if d.key.startswith(QUESTION_PREFIX) and d.ref]
        for problem in result.retrying + result.failed:
            # the key's first part only: the rest of a private message's key says who
            what = problem.key.split(":", 1)[0]
            log.warning("an outbox message (%s) not sent yet: %s", what, problem.error)
        self.distinguished.remember_panel_messages(result.sent)
        if not posted:
            return
        review = self.runtime.config.slack.review_channel
        with self.runtime.uow() as uow:
            for delivered in posted:
                _, channel, ts = delivered.key.split(":", 2)
                suggestion = uow.suggestions.for_message(channel, ts)
                if suggestion is not None and review and delivered.ref:
                    uow.suggestions.set_question(suggestion.id, review, delivered.ref)
            uow.commit()

    def publish_home(self, user_id: str) -> None:
        """Publish the App Home of one user (their credits; questions for team leads)."""
        with self.runtime.reader() as uow:
            content = home_content(uow, self.runtime.config, user_id, self.runtime.now())
        self.slack.publish_home(user_id, home_view(content))


def process_pending_slack(runtime: Runtime, slack: SlackReader) -> list[EventOutcome]:
    """Handle the Slack events that waited because Slack was unavailable (each once).

    For the scheduler, beside the outbox worker: every minute or so.
    """
    services = SlackServices(runtime, slack)
    return services.events.process_pending(slack.who_am_i().get("user_id"))
