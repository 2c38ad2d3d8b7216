"""``creditbot discourse sync``: pull what webhooks should have brought.

For forums that cannot reach the bot, and to fill the gap after an outage: posts (and
the topics they open) and the accepted solutions of the support categories since a
date are read through the API and go through the same inbox as webhooks, under the
same natural keys, so whatever a webhook already brought is not counted again.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from bot.discourse.effects import topic_owner
from bot.discourse.events import (
    ACCEPTED,
    POST_CREATED,
    TOPIC_CREATED,
    ForumEvent,
    ForumPost,
    ForumTopic,
    PayloadError,
    ignored_reason,
    parse_post,
    parse_time,
)
from bot.discourse.handlers import Outcome, process_entry, record_event
from bot.ports import DiscourseReader
from bot.runtime import Runtime

log = logging.getLogger("creditbot.discourse")

MAX_PAGES = 200


@dataclass
class SyncResult:
    posts: int = 0
    solutions: int = 0
    already_known: int = 0
    outcomes: list[Outcome] = field(default_factory=list)

    def count(self, status: str) -> int:
        return sum(1 for o in self.outcomes if o.status == status)


def sync_forum(
    runtime: Runtime, gateway: DiscourseReader, since: datetime, now: datetime
) -> SyncResult:
    """Record and process the forum's posts and accepted solutions since ``since``."""
    result = SyncResult()
    events = _recent_posts(gateway, since, result)
    for category_id in runtime.config.discourse.support_category_ids:
        events.extend(_solutions(gateway, category_id, since, result))
    entry_ids: list[int] = []
    with runtime.uow() as uow:
        for event in events:
            if ignored_reason(event, runtime.config.discourse) is not None:
                continue
            entry_id = record_event(uow, event, now)
            if entry_id is None:
                result.already_known += 1
            else:
                entry_ids.append(entry_id)
        uow.commit()
    for entry_id in entry_ids:
        result.outcomes.append(process_entry(runtime, gateway, entry_id, now=now))
    return result


def _recent_posts(
    gateway: DiscourseReader, since: datetime, result: SyncResult
) -> list[ForumEvent]:
    events: list[ForumEvent] = []
    before: int | None = None
    for _page in range(MAX_PAGES):
        page = gateway.latest_posts(before)
        if not page:
            break
        reached_older = False
        for data in page:
            post = _post_or_none(data)
            if post is None:
                continue
            if post.created_at < since:
                reached_older = True
                continue
            result.posts += 1
            events.append(ForumEvent(POST_CREATED, post))
            if post.post_number == 1:
                events.append(ForumEvent(TOPIC_CREATED, _topic_of_first_post(post)))
        lowest = min(int(p.get("id") or 0) for p in page)
        if reached_older or (before is not None and lowest >= before):
            break
        before = lowest
    return events


def _solutions(
    gateway: DiscourseReader, category_id: int, since: datetime, result: SyncResult
) -> list[ForumEvent]:
    events: list[ForumEvent] = []
    for page in range(MAX_PAGES):
        topics, more = gateway.solved_topics(category_id, page)
        reached_older = False
        for listed in topics:
            if listed.get("has_accepted_answer") is False:
                continue
            last = _moment(listed.get("last_posted_at") or listed.get("bumped_at"))
            if last is not None and last < since:
                # the list is in order of activity, except pinned topics at its head
                reached_older = reached_older or not listed.get("pinned")
                continue
            for event in _accepted_answers(gateway, listed):
                if event.subject.created_at >= since:
                    result.solutions += 1
                    events.append(event)
        if reached_older or not more or not topics:
            break
    return events


def _accepted_answers(gateway: DiscourseReader, listed: dict[str, Any]) -> list[ForumEvent]:
    topic = gateway.topic(int(listed["id"]), listed.get("slug"))
    if topic is None:
        return []
    # discourse-solved: "accepted_answer" (one), newer versions "accepted_answers" (a list)
    answers = topic.get("accepted_answers") or (
        [topic["accepted_answer"]] if topic.get("accepted_answer") else []
    )
    owner_id, owner_name = topic_owner(topic)
    events: list[ForumEvent] = []
    for answer in answers:
        number = answer.get("post_number")
        if number is None:
            continue
        post = gateway.post_by_number(int(topic["id"]), int(number))
        if post is None:
            continue
        data = dict(post)
        data.setdefault("topic_id", topic["id"])
        data["category_id"] = topic.get("category_id", data.get("category_id"))
        data["topic_archetype"] = topic.get("archetype") or data.get("topic_archetype")
        data["topic_title"] = topic.get("title") or data.get("topic_title")
        data["topic_slug"] = topic.get("slug") or data.get("topic_slug")
        data["topic_user_id"] = owner_id
        data["topic_username"] = owner_name
        parsed = _post_or_none(data)
        if parsed is not None:
            events.append(ForumEvent(ACCEPTED, parsed))
    return events


def _topic_of_first_post(post: ForumPost) -> ForumTopic:
    return ForumTopic(
        id=post.topic_id,
        user_id=post.user_id,
        username=post.username,
        name=post.name,
        created_at=post.created_at,
        category_id=post.category_id,
        archetype=post.archetype,
        title=post.topic_title,
    )


def _post_or_none(data: dict[str, Any]) -> ForumPost | None:
    try:
        return parse_post(data)
    except PayloadError as error:
        log.warning("skipped a forum post the sync could not read: %s", error)
        return None


def _moment(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        return parse_time(value)
    except ValueError:
        return None
