"""Discourse webhook payloads (and API answers of the same shape) as small typed events.

Discourse sends ``{"<event type>": <object>}`` with the headers ``X-Discourse-Event-Type``
(``post``, ``topic``, ``user``, ``solved``, ``ping``) and ``X-Discourse-Event`` (the event
name). discourse-solved's ``accepted_solution`` / ``unaccepted_solution`` carry the answer
post, serialised like a ``post`` event, under ``"solved"``.

Each event has a *natural key* (``accepted_solution:<post id>``...): Discourse gives a
retried delivery a new ``X-Discourse-Event-Id``, so the key is what recognises it. Only
the fields creditbot uses are kept (no post bodies are stored).
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from bot.config import DiscourseConfig
from scoring.bounds import fits_database_integer, shown

ACCEPTED = "accepted_solution"
UNACCEPTED = "unaccepted_solution"
POST_CREATED = "post_created"
TOPIC_CREATED = "topic_created"
USER_CREATED = "user_created"
HANDLED = (ACCEPTED, UNACCEPTED, POST_CREATED, TOPIC_CREATED, USER_CREATED)

PRIVATE_MESSAGE = "private_message"
REGULAR_POST = 1  # post_type: 1 regular, 2 moderator action, 3 small action, 4 whisper
WHISPER = 4


class PayloadError(ValueError):
    """A webhook body that does not have the shape Discourse gives it."""


@dataclass(frozen=True)
class ForumPost:
    id: int
    topic_id: int
    post_number: int
    post_type: int
    user_id: int | None
    username: str
    name: str
    created_at: datetime
    category_id: int | None
    archetype: str
    topic_title: str = ""
    topic_slug: str = ""
    # Known when the post came from the sync (which reads the topic anyway).
    topic_user_id: int | None = None
    topic_username: str | None = None


@dataclass(frozen=True)
class ForumTopic:
    id: int
    user_id: int | None
    username: str
    name: str
    created_at: datetime
    category_id: int | None
    archetype: str
    title: str = ""


@dataclass(frozen=True)
class ForumUser:
    id: int
    username: str
    name: str
    created_at: datetime
    email: str | None = None


@dataclass(frozen=True)
class ForumEvent:
    """One thing that happened on the forum, keyed for de-duplication."""

    name: str
    subject: ForumPost | ForumTopic | ForumUser

    @property
    def key(self) -> str:
        return f"{self.name}:{self.subject.id}"

    @property
    def username(self) -> str:
        return self.subject.username

    @property
    def user_id(self) -> int | None:
        return self.subject.user_id if not isinstance(self.subject, ForumUser) else self.subject.id

    def to_json(self) -> str:
        """The compact record kept in the inbox."""
        data = asdict(self.subject)
        for field, value in data.items():
            if isinstance(value, datetime):
                data[field] = value.isoformat()
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, name: str, text: str) -> ForumEvent:
        """An event back from its inbox record (see :meth:`to_json`)."""
        try:
            data = json.loads(text)
        except ValueError as error:
            raise PayloadError(f"stored {name} event is not JSON") from error
        return parse_event(name, data)


def ignored_reason(event: ForumEvent, config: DiscourseConfig) -> str | None:
    """Why an event earns nothing and counts as no activity, or None if it counts."""
    user_id = event.user_id
    if user_id is not None and user_id <= 0:
        return f"'{event.username}' is a system account"
    if event.username.lower() in {u.lower() for u in config.ignored_users}:
        return f"'{event.username}' is an ignored account"
    subject = event.subject
    if isinstance(subject, ForumPost | ForumTopic) and subject.archetype == PRIVATE_MESSAGE:
        return "a private message"
    if isinstance(subject, ForumPost) and event.name != UNACCEPTED:
        if subject.post_type == WHISPER:
            return "a whisper"
        if subject.post_type != REGULAR_POST:
            return "not a regular post"
    if (
        event.name == ACCEPTED
        and isinstance(subject, ForumPost)
        and subject.category_id not in config.support_category_ids
    ):
        return f"category {subject.category_id} is not a support category"
    return None


def parse_event(name: str, payload: Any) -> ForumEvent:
    """The event ``name`` from its payload object (webhook or API); PayloadError if unusable."""
    if not isinstance(payload, dict):
        raise PayloadError(f"the {name} payload is not an object")
    if name in (ACCEPTED, UNACCEPTED, POST_CREATED):
        return ForumEvent(name, parse_post(payload))
    if name == TOPIC_CREATED:
        return ForumEvent(name, parse_topic(payload))
    if name == USER_CREATED:
        return ForumEvent(name, parse_user(payload))
    raise PayloadError(f"creditbot does not handle the event {name!r}")


def parse_post(data: dict[str, Any]) -> ForumPost:
    """A post as webhooks (``WebHookPostSerializer``) and ``/posts.json`` give it."""
    return ForumPost(
        id=_int(data, "id", positive=True),
        topic_id=_int(data, "topic_id", positive=True),
        post_number=_int(data, "post_number", default=0),
        post_type=_int(data, "post_type", default=REGULAR_POST),
        user_id=_optional_int(data.get("user_id")),
        username=_text(data, "username"),
        name=str(data.get("name") or data.get("display_username") or ""),
        created_at=_moment(data, "created_at"),
        category_id=_optional_int(data.get("category_id")),
        # /posts.json lists public posts only and leaves the archetype out
        archetype=str(data.get("topic_archetype") or data.get("archetype") or "regular"),
        topic_title=str(data.get("topic_title") or ""),
        topic_slug=str(data.get("topic_slug") or ""),
        topic_user_id=_optional_int(data.get("topic_user_id")),
        topic_username=_optional_text(data.get("topic_username")),
    )


def parse_topic(data: dict[str, Any]) -> ForumTopic:
    """A topic as ``WebHookTopicViewSerializer`` gives it (``created_by`` is its author)."""
    created_by = data.get("created_by") if isinstance(data.get("created_by"), dict) else None
    username = (created_by or {}).get("username") or data.get("username")
    if not username:
        raise PayloadError("the topic has neither created_by.username nor username")
    user_id = (created_by or {}).get("id", data.get("user_id"))
    return ForumTopic(
        id=_int(data, "id", positive=True),
        user_id=_optional_int(user_id),
        username=str(username),
        name=str((created_by or {}).get("name") or data.get("name") or ""),
        created_at=_moment(data, "created_at"),
        category_id=_optional_int(data.get("category_id")),
        archetype=str(data.get("archetype") or "regular"),
        title=str(data.get("title") or ""),
    )


def parse_user(data: dict[str, Any]) -> ForumUser:
    """A user as ``WebHookUserSerializer`` gives it (``email`` is there: it is sent as admin)."""
    email = data.get("email")
    return ForumUser(
        id=_int(data, "id", positive=True),
        username=_text(data, "username"),
        name=str(data.get("name") or ""),
        created_at=_moment(data, "created_at"),
        email=str(email).strip() if email else None,
    )


def _int(
    data: dict[str, Any], key: str, default: int | None = None, *, positive: bool = False
) -> int:
    """``data[key]`` as a number a database integer holds (above 0 when ``positive``: a
    post's, topic's or user's own id; the system user's id in other fields is -1)."""
    value = data.get(key)
    if value is None:
        if default is not None:
            return default
        raise PayloadError(f"'{key}' is missing")
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):  # OverflowError: Infinity
        raise PayloadError(f"'{key}' is not a number: {shown(repr(value))}") from None
    if not fits_database_integer(number, positive=positive):
        raise PayloadError(f"'{key}' is out of range: {shown(str(number))}")
    return number


def _optional_int(value: Any) -> int | None:
    if value is None or value == "":
        return None
    try:
        number = int(value)
    except (TypeError, ValueError, OverflowError):
        raise PayloadError(f"not a number: {shown(repr(value))}") from None
    if not fits_database_integer(number):
        raise PayloadError(f"out of range: {shown(str(number))}")
    return number


def _optional_text(value: Any) -> str | None:
    if value is None or value == "":
        return None
    if not isinstance(value, str):
        raise PayloadError(f"not a text: {value!r}")
    return value


def _text(data: dict[str, Any], key: str) -> str:
    value = data.get(key)
    if not isinstance(value, str) or not value.strip():
        raise PayloadError(f"'{key}' is missing")
    return value.strip()


def _moment(data: dict[str, Any], key: str) -> datetime:
    value = data.get(key)
    if not isinstance(value, str):
        raise PayloadError(f"'{key}' is missing")
    try:
        return parse_time(value)
    except (ValueError, OverflowError):  # OverflowError: 0001-01-01T01:00+05:00 in UTC
        raise PayloadError(f"'{key}' is not an ISO-8601 time: {value!r}") from None


def parse_time(value: str) -> datetime:
    """A Discourse time (``2026-10-14T09:12:33.512Z``) as an aware UTC datetime."""
    moment = datetime.fromisoformat(value)
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
