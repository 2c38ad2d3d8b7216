"""What the Distinguished Contributor programme held about a member who asked to be
forgotten, called by :func:`bot.services.forgetting.forget_person` in the erasure's
transaction, after :func:`bot.services.people.erasure.forget_member`.

The nomination and membership rows stay, so counts and terms stay right (like the
anonymous credits): a nomination of them loses its justification, links and credit
evidence, a nomination they wrote loses its author, and their nominee key becomes
``erased:<member id>`` (unique per cycle and track as before, naming no one). The panel's
votes stay: they are the panel's and name only the voter. The panel-channel posts of those
nominations, and the published announcement of each cycle in which they were approved
(the Slack post, the forum topic), are updated to the anonymous wording through the
outbox, so a forum outage is retried; the person is counted among the unnamed, as a hidden
member is.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.messages.distinguished import announcement_markdown
from bot.messages.slack.distinguished import decided_message, nomination_message
from bot.messages.slack.recognition import announcement_message
from bot.services.distinguished.common import nominee_name, panel_message, track_name
from bot.services.distinguished.recognition import DISCOURSE_KEY, SLACK_KEY, build_announcement
from scoring.records import APPROVED, OPEN, Nomination
from storage.uow import UnitOfWork

EDIT_REASON = "a member asked to be forgotten"


def erased_key(member_id: int) -> str:
    """The nominee key (and nominator) standing for an erased member."""
    return f"erased:{member_id}"


def forget_nominations(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    member_ids: Sequence[int],
    slack_id: str | None,
    now: datetime,
) -> list[str]:
    """Anonymise the programme's records of the person (``member_ids``: their record
    first, then the records merged into it); the outbox keys of the panel updates."""
    changed = uow.erasure.anonymise_nominations(member_ids, slack_id, erased_key)
    keys = []
    for nomination_id in changed:
        nomination = uow.distinguished.nomination(nomination_id)
        where = panel_message(uow, nomination) if nomination is not None else None
        if nomination is None or where is None:
            continue  # never posted: nothing shown to update
        channel, ts = where
        payload = {**_panel_payload(uow, config, nomination), "ts": ts}
        key = f"erased:{member_ids[0]}:nomination:{nomination_id}"
        uow.outbox.enqueue(key, "slack", "update", channel, payload, now)
        keys.append(key)
    return keys


def _panel_payload(
    uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination
) -> dict[str, Any]:
    """The panel's post as it stands now: the open form, or the decided one."""
    track, name = track_name(config, nomination.track), nominee_name(uow, nomination)
    if nomination.status == OPEN or nomination.tally is None:
        votes = uow.distinguished.vote_counts(nomination.id)
        return nomination_message(nomination, track, name, votes)
    return decided_message(nomination, track, name, nomination.tally)


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
