"""Sending the outbox's Discourse messages: topics, private messages and badges.

The worker (``bot/outbox/worker.py``) hands each ``discourse`` message to :func:`send_discourse`.

- ``topic``: a topic carries an ``external_id``; after a failed or interrupted try the
  topic is looked up first, so one whose answer was lost is found, not doubled.
- ``pm``: a private message to the comma-separated usernames of the target.
- ``edit`` (target: a topic id; payload ``raw``, ``edit_reason``): the topic's first post
  is replaced (an erasure updating a published shout-out); sending it again is harmless.
- ``badge`` (target: a username; payload ``track``, ``name``, ``description``,
  ``badge_type_id``, ``reason``, ``topic_external_id``): the track's badge is created
  once and then granted. Its id is remembered in ``dc_badge``; without one, the badge
  is looked up by name on the forum before being created, so a retry after a lost
  answer finds the badge it created (and Discourse refuses a second badge of one name
  anyway: that refusal is answered by looking it up again). The reason is the
  announcement topic: while that topic is not on the forum yet, the grant waits (a
  transient failure, retried). Granting a badge the user already has is a success.
"""

from __future__ import annotations

import logging
from typing import Any

from bot.errors import ExternalServiceError
from bot.ports import BadgeSender, DiscourseSender, PostEditor
from bot.runtime import Runtime
from storage.repositories.outbox import OutboxMessage

log = logging.getLogger("creditbot.outbox")


class UnsendableMessage(Exception):
    """A message that can never be sent as it is (bad payload, a gateway lacking a call)."""


def send_discourse(runtime: Runtime, message: OutboxMessage, discourse: DiscourseSender) -> str:
    """Send one ``discourse`` message; its reference (a topic id, a badge id)."""
    payload = message.payload
    if message.kind == "topic":
        external_id = payload.get("external_id")
        if external_id and (message.attempts or message.resumed):
            # A topic created by an earlier try whose answer was lost is found here.
            existing = discourse.find_topic(external_id)
            if existing is not None:
                return str(existing)
        topic_id, _post_id = discourse.create_topic(
            payload["title"], payload["raw"], int(message.target), external_id
        )
        return str(topic_id)
    if message.kind == "pm":
        usernames = [u.strip() for u in message.target.split(",") if u.strip()]
        return str(discourse.send_private_message(usernames, payload["title"], payload["raw"]))
    if message.kind == "edit":  # target: the topic id; its first post gets ``raw``
        if not isinstance(discourse, PostEditor):
            raise UnsendableMessage("this Discourse gateway cannot edit posts")
        reason = str(payload.get("edit_reason") or "")
        return str(discourse.edit_first_post(int(message.target), payload["raw"], reason))
    if message.kind == "badge":
        if not isinstance(discourse, BadgeSender):
            raise UnsendableMessage("this Discourse gateway cannot grant badges")
        return grant_track_badge(runtime, message, discourse)
    raise UnsendableMessage(f"cannot send a discourse {message.kind!r} message")


def grant_track_badge(runtime: Runtime, message: OutboxMessage, forum: BadgeSender) -> str:
    """Create the track's badge if it does not exist yet, then grant it; the badge id."""
    payload = message.payload
    try:
        track = str(payload["track"])
        name = str(payload["name"])
        description = str(payload.get("description") or name)
        badge_type_id = int(payload.get("badge_type_id") or 3)
    except (KeyError, TypeError, ValueError) as error:
        raise UnsendableMessage(f"a badge message needs track and name ({error})") from None
    reason = _reason(payload, forum)
    badge_id = _track_badge(runtime, forum, track, name, description, badge_type_id)
    forum.grant_badge(message.target, badge_id, reason)
    return str(badge_id)


def _reason(payload: dict[str, Any], forum: BadgeSender) -> str:
    """The link the grant gives as its reason: the announcement topic's own address."""
    external_id = payload.get("topic_external_id")
    if not external_id:
        return str(payload.get("reason") or "")
    topic_id = forum.find_topic(str(external_id))
    if topic_id is None:
        raise ExternalServiceError(
            "discourse",
            f"the announcement topic {external_id} is not on the forum yet; "
            "the badge is granted with it as the reason once it is",
            transient=True,
        )
    return f"/t/{topic_id}"


def _track_badge(
    runtime: Runtime,
    forum: BadgeSender,
    track: str,
    name: str,
    description: str,
    badge_type_id: int,
) -> int:
    with runtime.reader() as uow:
        known = uow.distinguished.badge_id(track)
    if known is not None:
        return known
    badge_id = _badge_named(forum, name)
    if badge_id is None:
        try:
            badge_id = forum.create_badge(name, description, badge_type_id)
            log.info("created the forum badge %r (%s) for the track %s", name, badge_id, track)
        except ExternalServiceError as error:
            if error.transient:
                raise
            # Someone (another worker, an administrator) created it in between.
            badge_id = _badge_named(forum, name)
            if badge_id is None:
                raise
    with runtime.uow() as uow:
        uow.distinguished.set_badge_id(track, badge_id)
        uow.commit()
        # Another worker may have remembered a badge first: use the one remembered.
        return uow.distinguished.badge_id(track) or badge_id


def _badge_named(forum: BadgeSender, name: str) -> int | None:
    """The id of the forum's badge called ``name`` (the exact name first), or None."""
    badges = forum.badges()
    exact = [b for b in badges if b.get("name") == name]
    alike = [b for b in badges if str(b.get("name") or "").casefold() == name.casefold()]
    found = exact or alike
    return int(found[0]["id"]) if found else None
