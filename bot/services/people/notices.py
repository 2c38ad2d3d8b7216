"""Telling a member, by direct message, each time a credit is decided live.

Live: a team lead's Yes, a confirm emoji, ``/credit``, an accepted forum solution;
never an import or ``credit add``. The DM goes through the outbox, written in the
transaction that records the credit, and waits :data:`BATCH` before it is sent: a
credit decided meanwhile joins the waiting message instead of making another one, so
a burst of credits is one DM. The first DM a member gets says how to turn them off
(``/credit quiet credits``). Members without a Slack account, bots, erased members
and members who turned them off are not messaged.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.messages.words import plural
from scoring.models import Credit, IdentityKind
from storage.uow import UnitOfWork

BATCH = timedelta(minutes=3)
PREFIX = "credit-notice:"
FIRST_NOTE = (
    "I send you a message like this each time you are credited; "
    "`/credit quiet credits` turns them off."
)


def notify_credit(
    uow: UnitOfWork,
    credit: Credit | None,
    now: datetime,
    *,
    decided_by: str | None = None,
    link: str | None = None,
) -> str | None:
    """Queue (or extend) the DM telling the credit's member; its outbox key, or None."""
    if credit is None or credit.id is None:
        return None
    member = uow.members.get(credit.member_id)
    if member is None or member.is_bot or uow.people.notices_off(member.id):
        return None
    slack_id = member.identity(IdentityKind.SLACK)
    if slack_id is None:
        return None
    line = notice_line(credit, decided_by, link)
    prefix = f"{PREFIX}{member.id}:"
    waiting = uow.people.waiting_notice(prefix)
    if waiting is not None:
        key, payload = waiting
        lines = [*payload.get("lines", []), line]
        updated = dict(payload, lines=lines, text=notice_text(lines, bool(payload.get("first"))))
        if uow.people.update_waiting_notice(key, updated):
            return key
    first = not uow.people.has_notice(prefix)
    key = f"{prefix}{credit.id}"
    payload = {"lines": [line], "first": first, "text": notice_text([line], first)}
    uow.outbox.enqueue(key, "slack", "dm", slack_id, payload, now)
    uow.people.delay_message(key, now + BATCH)
    return key


def notice_line(credit: Credit, decided_by: str | None, link: str | None) -> str:
    """``2 points (support) for <link>, confirmed by <@lead>``."""
    points = f"{plural(credit.points, 'point')} ({credit.type})"
    what = f" for {link}" if link else ""
    who = ""
    if decided_by and decided_by.startswith(("U", "W")):
        who = f", confirmed by <@{decided_by}>"
    elif decided_by == "discourse":
        who = ", for an accepted solution on the forum"
    return f"{points}{what}{who}"


def notice_text(lines: list[str], first: bool) -> str:
    """The DM: one credit in a sentence, several as a list; the opt-out said once."""
    if len(lines) == 1:
        text = f"{lines[0]} \u2014 thank you!"
    else:
        text = "You were credited:\n" + "\n".join(f"\u2022 {line}" for line in lines)
        text += "\nThank you!"
    return f"{text}\n{FIRST_NOTE}" if first else text


def forum_link(note: str) -> str | None:
    """The post's address in a forum solution's note (``... (https://...)``)."""
    start = note.rfind("(http")
    return note[start + 1 : -1] if start >= 0 and note.endswith(")") else None
