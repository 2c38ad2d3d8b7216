"""What a forum event does to the ledger: what only the forum API knows, gathered
outside any transaction (:func:`gather`), then the effects (:func:`apply`): an accepted
solution credits its author (see :mod:`bot.discourse.solutions`), a post, a topic or a
new user is activity. The inbox side (claims, retries) is :mod:`bot.discourse.handlers`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.discourse.events import (
    ACCEPTED,
    POST_CREATED,
    TOPIC_CREATED,
    USER_CREATED,
    ForumEvent,
    ForumPost,
    ForumUser,
    ignored_reason,
)
from bot.discourse.solutions import (
    GRANTED_BY,
    SOLUTION_EVENTS,
    SOURCE,
    accepted_now,
    match_the_forum,
)
from bot.errors import ExternalServiceError
from bot.ports import DiscourseReader
from bot.runtime import Runtime
from bot.services.ledger.caps import cap_reached, hold_for_review
from bot.services.ledger.members import ensure_member
from bot.services.people.notices import forum_link, notify_credit
from scoring.email_address import is_email_address
from scoring.models import Credit, Identity, IdentityKind, Member
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.discourse")

ACTIVITY_KINDS = {
    POST_CREATED: "forum_post",
    TOPIC_CREATED: "forum_topic",
    USER_CREATED: "forum_join",
}

NOT_CONFIGURED = (
    "the Discourse API is not configured; set DISCOURSE_URL, DISCOURSE_API_USERNAME "
    "and DISCOURSE_API_KEY"
)


@dataclass(frozen=True)
class Facts:
    """What the forum API told us about an event."""

    email: str | None = None
    topic_owner: tuple[int | None, str | None] | None = None
    topic_missing: bool = False
    accepted: bool | None = None  # a solution event: is the post accepted now?


def gather(runtime: Runtime, gateway: DiscourseReader | None, event: ForumEvent) -> Facts:
    """Ask the forum what the event does not say. Raises ExternalServiceError."""
    if ignored_reason(event, runtime.config.discourse) is not None:
        return Facts()
    owner: tuple[int | None, str | None] | None = None
    accepted: bool | None = None
    subject = event.subject
    if event.name in SOLUTION_EVENTS and isinstance(subject, ForumPost):
        if subject.topic_user_id is not None or subject.topic_username:
            # from the sync, which read the topic's solution just now
            owner = (subject.topic_user_id, subject.topic_username)
            accepted = event.name == ACCEPTED
        else:
            topic = _api(gateway).topic(subject.topic_id, subject.topic_slug or None)
            if topic is None:
                return Facts(topic_missing=True, accepted=False)
            owner, accepted = topic_owner(topic), accepted_now(topic, subject)
        if not accepted or _same_user(owner, subject.user_id, subject.username):
            return Facts(topic_owner=owner, accepted=accepted)
    with runtime.reader() as uow:
        known = uow.members.find(Identity(IdentityKind.DISCOURSE, event.username)) is not None
    email: str | None = None
    if not known:
        if isinstance(subject, ForumUser) and subject.email:
            email = subject.email
        else:
            email = _api(gateway).user_email(event.username)
    return Facts(email=email, topic_owner=owner, accepted=accepted)


def apply(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    forum_url: str | None,
    event: ForumEvent,
    facts: Facts,
    now: datetime,
) -> tuple[str, str]:
    reason = ignored_reason(event, config.discourse)
    if reason is not None:
        return "ignored", f"ignored: {reason}"
    subject = event.subject
    if event.name in SOLUTION_EVENTS and isinstance(subject, ForumPost):
        return match_the_forum(
            uow,
            config,
            subject,
            _why_no_credit(config, subject, facts, event.name),
            lambda: _forum_member(uow, config, event, facts.email, now),
            _solution_note(subject, forum_url),
            now,
            hold=lambda who: _held_over_cap(uow, config, forum_url, subject, who, facts, now),
            credited=lambda credit: _tell_credited(uow, config, credit, facts, now),
        )
    member = _forum_member(uow, config, event, facts.email, now)
    at = subject.created_at
    uow.activity.record(member.id, ACTIVITY_KINDS[event.name], at, at.astimezone(config.tz).date())
    uow.members.seen(member.id, at)
    return "done", f"recorded {ACTIVITY_KINDS[event.name]} for {member.name}"


def _counterpart(owner: tuple[int | None, str | None] | None) -> str | None:
    """The asker of a solved topic, for the per-pair cap."""
    if owner is None or (owner[0] is None and not owner[1]):
        return None
    return f"forum-user:{owner[0]}" if owner[0] is not None else f"forum-name:{owner[1]}"


def _held_over_cap(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    forum_url: str | None,
    post: ForumPost,
    member: Member,
    facts: Facts,
    now: datetime,
) -> str | None:
    """Hold an accepted solution over a cap as a question for the leads; why, or None."""
    why = cap_reached(uow, config, member.id, _counterpart(facts.topic_owner), post.created_at)
    if why is None:
        return None
    hold_for_review(
        uow,
        config,
        member=member,
        post_id=post.id,
        username=post.username,
        occurred_at=post.created_at,
        title=post.topic_title or f"topic {post.topic_id}",
        link=forum_link(_solution_note(post, forum_url)),
        why=why,
        now=now,
    )
    return f"held solution {post.id} for the team leads: {why}"


def _tell_credited(
    uow: UnitOfWork, config: ProgrammeConfig, credit: Credit, facts: Facts, now: datetime
) -> None:
    """Record the asker (for the per-pair cap) and tell the member of their credit."""
    uow.people.set_counterpart(credit.id or 0, _counterpart(facts.topic_owner))
    notify_credit(uow, config, credit, now, decided_by=GRANTED_BY, link=forum_link(credit.note))


def _why_no_credit(config: ProgrammeConfig, post: ForumPost, facts: Facts, name: str) -> str | None:
    """None when the post is accepted now and earns credit, else why it earns none."""
    accepted = facts.accepted if facts.accepted is not None else name == ACCEPTED
    if facts.topic_missing:
        return "the topic no longer exists"
    if not accepted:
        return "it is not the accepted answer"
    if post.category_id not in config.discourse.support_category_ids:
        return f"category {post.category_id} is not a support category"
    if _same_user(facts.topic_owner, post.user_id, post.username):
        return f"{post.username} answered their own topic"
    return None


def _forum_member(
    uow: UnitOfWork, config: ProgrammeConfig, event: ForumEvent, email: str | None, now: datetime
) -> Member:
    """The member behind a forum user: known by username, else matched by e-mail, else new."""
    forum = Identity(IdentityKind.DISCOURSE, event.username)
    member = uow.members.find(forum)
    if member is not None:
        return member
    identities = [forum]
    if email and is_email_address(email.strip()):
        identities.append(Identity(IdentityKind.EMAIL, email))
    elif email:  # the member is made from the username alone (the address is not logged)
        log.warning("forum user %s: ignored an e-mail address that is not one", event.username)
    subject = event.subject
    member, _created = ensure_member(uow, config, identities, subject.name or event.username, now)
    return member


def _api(gateway: DiscourseReader | None) -> DiscourseReader:
    if gateway is None:
        raise ExternalServiceError(SOURCE, NOT_CONFIGURED, transient=False)
    return gateway


def topic_owner(topic: dict[str, Any]) -> tuple[int | None, str | None]:
    """(user id, username) of a topic's author, from the topic view JSON."""
    created_by = (topic.get("details") or {}).get("created_by") or topic.get("created_by") or {}
    user_id = created_by.get("id", topic.get("user_id"))
    username = created_by.get("username")
    return (int(user_id) if user_id is not None else None, str(username) if username else None)


def _same_user(
    owner: tuple[int | None, str | None] | None, user_id: int | None, username: str
) -> bool:
    if owner is None:
        return False
    owner_id, owner_name = owner
    if owner_id is not None and user_id is not None:
        return owner_id == user_id
    return owner_name is not None and owner_name.lower() == username.lower()


def _solution_note(post: ForumPost, forum_url: str | None) -> str:
    title = post.topic_title or f"topic {post.topic_id}"
    note = f"accepted solution on the forum: {title}"
    if forum_url:
        slug = post.topic_slug or "-"
        note += f" ({forum_url.rstrip('/')}/t/{slug}/{post.topic_id}/{post.post_number})"
    return note
