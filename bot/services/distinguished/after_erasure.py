"""The published Distinguished Contributor announcements, after a member was erased.

An erasure (:mod:`bot.services.people.erasure`) anonymises the nominations of the person
(their key becomes ``erased:<member id>``), but the announcement of a cycle in which they
were approved was already posted in Slack and on the forum, naming them. This rebuilds the
announcement of each such cycle from what is stored now (the person is counted among the
unnamed, as a hidden member is) and queues the update of the Slack post and the edit of the
forum topic through the outbox, so a forum outage is retried. Called by the entry points
that erase (the CLI, the Slack confirmation), in the erasure's own transaction: the people
use cases do not depend on this programme's.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.messages.distinguished import announcement_markdown
from bot.messages.slack.recognition import announcement_message
from bot.services.distinguished.recognition import DISCOURSE_KEY, SLACK_KEY, build_announcement
from scoring.records import APPROVED
from storage.uow import UnitOfWork

EDIT_REASON = "a member asked to be forgotten"


def reannounce_without(
    uow: UnitOfWork, config: ProgrammeConfig, member_ids: Sequence[int], now: datetime
) -> list[str]:
    """Queue the updates of the published announcements that named the erased person
    (``member_ids``: their record first, then the records merged into it, as erased);
    their outbox keys."""
    erased = {f"erased:{i}" for i in member_ids}
    cycles = sorted(
        {n.cycle for n in uow.distinguished.nominations(status=APPROVED) if n.nominee_key in erased}
    )
    member_id = member_ids[0]
    keys: list[str] = []
    for cycle in cycles:
        approved = uow.distinguished.nominations(cycle=cycle, status=APPROVED)
        announcement, _ = build_announcement(uow, config, cycle, approved)
        keys += _update(uow, member_id, cycle, announcement_message(announcement), now)
        keys += _edit(uow, member_id, cycle, announcement_markdown(announcement), now)
    return keys


def _update(
    uow: UnitOfWork, member_id: int, cycle: int, message: dict[str, Any], now: datetime
) -> Sequence[str]:
    sent = uow.outbox.by_key(SLACK_KEY.format(cycle=cycle))
    if sent is None or not sent.sent_ref:
        return []
    key = f"erased:{member_id}:dc-announcement:{cycle}"
    payload = {**message, "ts": sent.sent_ref}
    uow.outbox.enqueue(key, "slack", "update", sent.target, payload, now)
    return [key]


def _edit(uow: UnitOfWork, member_id: int, cycle: int, raw: str, now: datetime) -> Sequence[str]:
    sent = uow.outbox.by_key(DISCOURSE_KEY.format(cycle=cycle))
    if sent is None or not sent.sent_ref:
        return []
    key = f"erased:{member_id}:dc-announcement-forum:{cycle}"
    edit = {"raw": raw, "edit_reason": EDIT_REASON}
    uow.outbox.enqueue(key, "discourse", "edit", sent.sent_ref, edit, now)
    return [key]
