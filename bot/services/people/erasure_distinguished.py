"""What the Distinguished Contributor programme held about a member who asked to be
forgotten (:func:`bot.services.people.erasure.forget_member` calls this in its transaction).

The nomination and membership rows stay, so counts and terms stay right (like the
anonymous credits): a nomination of them loses its justification, links and credit
evidence, a nomination they wrote loses its author, and their nominee key becomes
``erased:<member id>`` (unique per cycle and track as before, naming no one). The panel's
votes stay: they are the panel's and name only the voter. The panel-channel posts of
those nominations are updated to the anonymous wording through the outbox.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.messages.slack.distinguished import decided_message, nomination_message
from scoring.records import OPEN, Nomination
from storage.uow import UnitOfWork

ANONYMOUS = "a former member"


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
        where = _panel_post(uow, nomination) if nomination is not None else None
        if nomination is None or where is None:
            continue  # never posted: nothing shown to update
        channel, ts = where
        payload = {**_panel_payload(uow, config, nomination), "ts": ts}
        key = f"erased:{member_ids[0]}:nomination:{nomination_id}"
        uow.outbox.enqueue(key, "slack", "update", channel, payload, now)
        keys.append(key)
    return keys


def _panel_post(uow: UnitOfWork, nomination: Nomination) -> tuple[str, str] | None:
    """Where the panel's post is: remembered on the nomination, or else the delivered
    post (key of bot.services.distinguished.common.panel_key)."""
    if nomination.review_channel and nomination.review_ts:
        return nomination.review_channel, nomination.review_ts
    sent = uow.outbox.by_key(f"dc:nomination:{nomination.id}:panel")
    if sent is None or sent.status != "sent" or not sent.sent_ref:
        return None
    return sent.target, sent.sent_ref


def _panel_payload(
    uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination
) -> dict[str, Any]:
    track = config.distinguished.rules.track(nomination.track)
    track_name = track.name if track is not None else nomination.track
    name = _nominee_name(uow, nomination)
    if nomination.status == OPEN or nomination.tally is None:
        votes = uow.distinguished.vote_counts(nomination.id)
        return nomination_message(nomination, track_name, name, votes)
    return decided_message(nomination, track_name, name, nomination.tally)


def _nominee_name(uow: UnitOfWork, nomination: Nomination) -> str:
    if nomination.nominee_member_id is not None:
        member = uow.members.get(nomination.nominee_member_id)
        return member.name if member is not None else ANONYMOUS
    org = uow.organisations.get(nomination.nominee_org or "")
    return org.name if org is not None else (nomination.nominee_org or ANONYMOUS)
