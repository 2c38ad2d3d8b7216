"""Telling a member, by direct message, each time a credit is decided live.

Live: a team lead's Yes, a confirm emoji, ``/credit``, an accepted forum solution;
never an import or ``credit add``. The DM goes through the outbox, written in the
transaction that records the credit, and waits :data:`BATCH` before it is sent: a
credit decided meanwhile joins the waiting message instead of making another one, so
a burst of credits is one DM. A credit withdrawn (revoked, or its forum solution
un-accepted) while its notice waits leaves it (:func:`drop_from_notice`): a withdrawn
credit is never announced. The first DM a member gets says how to turn them off
(``/credit quiet credits``). Bots, erased members and members who turned them off are
not messaged.

A member with a forum account but no Slack account gets the same notice (same batching,
same opt-out flag) as a Discourse private message. There is no ``/credit`` on the forum,
so the first one says how to opt out as the forum nudges do (``inactivity.privacy_url``,
or a reply); a manager then runs ``creditbot member quiet``, which turns off both.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from bot.config import ProgrammeConfig
from bot.messages.escaping import discourse_markdown_text
from bot.messages.inactivity import your_choices
from bot.messages.words import plural
from scoring.models import Credit, IdentityKind, Member
from storage.uow import UnitOfWork

BATCH = timedelta(minutes=3)
PREFIX = "credit-notice:"
FIRST_NOTE = (
    "I send you a message like this each time you are credited; "
    "`/credit quiet credits` turns them off."
)
FORUM_TITLE = "You were credited"
FORUM_FIRST_NOTE = "We send you a message like this each time you are credited."


def notify_credit(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    credit: Credit | None,
    now: datetime,
    *,
    decided_by: str | None = None,
    link: str | None = None,
) -> str | None:
    """Queue (or extend) the message telling the credit's member (a Slack DM, else a
    forum private message); its outbox key, or None."""
    if credit is None or credit.id is None:
        return None
    member = uow.members.get(credit.member_id)
    if member is None or member.is_bot or uow.people.notices_off(member.id):
        return None
    channel, target = _reachable(member)
    if target is None:
        return None
    forum = channel == "discourse"
    line = (
        forum_notice_line(credit, decided_by, link)
        if forum
        else notice_line(credit, decided_by, link)
    )
    prefix = f"{PREFIX}{member.id}:"
    waiting = uow.people.waiting_notice(prefix)
    if waiting is not None:
        key, payload = waiting
        lines = [*payload.get("lines", []), line]
        ids = [*payload.get("credit_ids", []), credit.id]
        text = _rendered(config, lines, bool(payload.get("first")), forum)
        extended = {**payload, "lines": lines, "credit_ids": ids, **text}
        if uow.people.update_waiting_notice(key, extended):
            return key
    first = not uow.people.has_notice(prefix)
    key = f"{prefix}{credit.id}"
    rendered = _rendered(config, [line], first, forum)
    payload = {"lines": [line], "credit_ids": [credit.id], "first": first, **rendered}
    uow.outbox.enqueue(key, channel, "pm" if forum else "dm", target, payload, now)
    uow.people.delay_message(key, now + BATCH)
    return key


def drop_from_notice(uow: UnitOfWork, config: ProgrammeConfig, credit: Credit) -> bool:
    """Take a credit withdrawn before its notice went out from that waiting notice (the
    whole notice goes when it was its only credit): a withdrawn credit is never
    announced. True if it was waiting to be announced."""
    waiting = uow.people.waiting_notice(f"{PREFIX}{credit.member_id}:")
    if waiting is None or credit.id is None:
        return False
    key, payload = waiting
    lines, ids = list(payload.get("lines", [])), list(payload.get("credit_ids", []))
    if credit.id not in ids or len(ids) != len(lines):
        return False  # not in it (or queued before notices listed their credits)
    at = ids.index(credit.id)
    del lines[at], ids[at]
    if not lines:
        return uow.people.drop_waiting_notice(key)
    text = _rendered(config, lines, bool(payload.get("first")), "raw" in payload)
    return uow.people.update_waiting_notice(
        key, {**payload, "lines": lines, "credit_ids": ids, **text}
    )


def _reachable(member: Member) -> tuple[str, str | None]:
    """Where the member can be told: Slack first, else the forum."""
    slack_id = member.identity(IdentityKind.SLACK)
    if slack_id is not None:
        return "slack", slack_id
    return "discourse", member.identity(IdentityKind.DISCOURSE)


def _rendered(
    config: ProgrammeConfig, lines: list[str], first: bool, forum: bool
) -> dict[str, str]:
    if not forum:
        return {"text": notice_text(lines, first)}
    return {"title": FORUM_TITLE, "raw": forum_notice_text(config, lines, first)}


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
    return _thanks(lines, "\u2022 ", "\n") + (f"\n{FIRST_NOTE}" if first else "")


def _thanks(lines: list[str], bullet: str, gap: str) -> str:
    if len(lines) == 1:
        return f"{lines[0]} \u2014 thank you!"
    listed = "\n".join(f"{bullet}{line}" for line in lines)
    return f"You were credited:{gap}{listed}{gap}Thank you!"


def forum_notice_line(credit: Credit, decided_by: str | None, link: str | None) -> str:
    """The forum's line: a Slack mention or channel means nothing there, so a lead is
    "a team lead" and only a web address is kept as the link (other text as plain text)."""
    points = f"{plural(credit.points, 'point')} ({credit.type})"
    what = ""
    if link and link.startswith(("https://", "http://")) and " " not in link:
        what = f" for {link}"
    elif link and not link.startswith("<") and "<#" not in link:
        what = f" for {discourse_markdown_text(link)}"
    who = ""
    if decided_by == "discourse":
        who = ", for an accepted solution on the forum"
    elif decided_by:
        who = ", confirmed by a team lead"
    return f"{points}{what}{who}"


def forum_notice_text(config: ProgrammeConfig, lines: list[str], first: bool) -> str:
    """The forum message: as the DM, the opt-out said as the forum nudges say it."""
    text = _thanks(lines, "* ", "\n\n")
    return f"{text}\n\n{FORUM_FIRST_NOTE} {your_choices(config)}" if first else text


def forum_link(note: str) -> str | None:
    """The post's address in a forum solution's note (``... (https://...)``)."""
    start = note.rfind("(http")
    return note[start + 1 : -1] if start >= 0 and note.endswith(")") else None
