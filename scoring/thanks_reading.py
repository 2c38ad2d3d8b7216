"""What a thread reply's thank-you means for the ledger: who helped, and which of
their messages a team lead is asked about.

:func:`read_thanks` is the one call a use case makes: the reply's text is read first,
and the thread before it only when the text alone does not decide (reading a thread
is slow for the caller), through the ``thread`` callable it is given.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass, field

from scoring.suggestions import snippet
from scoring.thanks import (
    ThanksRules,
    ThanksVerdict,
    ThreadMessage,
    detect_thanks,
    verdict_from_text,
)


@dataclass(frozen=True)
class Thread:
    """The messages before a reply in its thread, oldest first, and each person's
    latest message there (never a bot's)."""

    earlier: Sequence[ThreadMessage] = ()
    latest: Mapping[str, ThreadMessage] = field(default_factory=dict)


@dataclass(frozen=True)
class ThanksReading:
    """A reply read for thanks: the verdict (None: not a reply), the person who helped
    (None: nobody to credit), their message to ask about (the reply itself when the
    thread was not read) with its snippet, the others thanked and their latest ts."""

    verdict: ThanksVerdict | None = None
    helper: str | None = None
    target: ThreadMessage | None = None
    target_snippet: str = ""
    others: tuple[str, ...] = ()
    others_ts: Mapping[str, str] = field(default_factory=dict)

    @property
    def detail(self) -> str:
        return self.verdict.reason if self.verdict is not None else "activity"


def read_thanks(
    reply: ThreadMessage,
    thread: Callable[[], Thread] | None,
    rules: ThanksRules,
    not_people: Collection[str],
) -> ThanksReading:
    """Whether ``reply`` thanks someone who helped, whose message to credit, and the
    latest message of each other person it thanks ("thanks @ana and @bob"), so that a
    lead who credits one of them credits their own message.

    ``thread`` is None for a message that is not a thread reply (it thanks nobody);
    the author and ``not_people`` (the app, Slackbot) are never the helper.
    """
    if thread is None:
        return ThanksReading()
    earlier = Thread()
    verdict = verdict_from_text(reply, rules)
    if verdict is None:
        earlier = thread()
        verdict = detect_thanks(reply, earlier.earlier, rules)
    return _reading(reply, verdict, earlier, not_people)


def _reading(
    reply: ThreadMessage, verdict: ThanksVerdict, thread: Thread, not_people: Collection[str]
) -> ThanksReading:
    helper = verdict.helper if verdict.is_thanks else None
    if helper is None or helper == reply.user or helper in not_people:
        return ThanksReading(verdict)
    target = thread.latest.get(helper) or reply
    others = tuple(o for o in verdict.others if o != reply.user)
    others_ts = {o: thread.latest[o].ts for o in verdict.others if o in thread.latest}
    return ThanksReading(verdict, helper, target, snippet(target.text), others, others_ts)
