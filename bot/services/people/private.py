"""Telling one member something privately, wherever the bot can reach them: a Slack DM,
else a forum private message (a member without Slack), both through the outbox."""

from __future__ import annotations

from datetime import datetime

from scoring.models import IdentityKind, Member
from storage.uow import UnitOfWork


def tell_privately(
    uow: UnitOfWork,
    key: str,
    member: Member,
    slack_text: str,
    forum: tuple[str, str],
    now: datetime,
) -> str | None:
    """Queue ``slack_text`` as a DM, else ``forum`` (title, raw) as a forum message;
    the outbox key, or None when the member has neither account."""
    slack_id = member.identity(IdentityKind.SLACK)
    if slack_id is not None:
        uow.outbox.enqueue(key, "slack", "dm", slack_id, {"text": slack_text}, now)
        return key
    username = member.identity(IdentityKind.DISCOURSE)
    if username is None:
        return None
    title, raw = forum
    uow.outbox.enqueue(key, "discourse", "pm", username, {"title": title, "raw": raw}, now)
    return key
