"""Every Discourse API call goes through here, through pydiscourse.

(Over 300 lines: one method per API call the bot makes, so every request to the forum
is found in one class.)

pydiscourse is used as it is (through :mod:`bot.discourse.client`), with three of its
habits taken care of:

- it has no timeout by default: the client always gets one;
- on a 429 it sleeps inside its own retry loop (up to four times): a response hook
  raises before that loop sees the 429, so the wait Discourse asks for (``Retry-After``
  or ``extras.wait_seconds``) is ours to honour, through an injectable ``sleep``, or
  to hand back as ``ExternalServiceError.retry_after`` when it is too long to wait;
- it raises ``KeyError`` when a response has no ``Content-Type``: such a response is
  turned into an error before pydiscourse reads it.

Its errors (and ``requests``') become :class:`bot.errors.ExternalServiceError`
(``transient`` for 429, 5xx and network failures). A token bucket keeps the bot under
Discourse's default 60 admin API requests per minute.
"""

from __future__ import annotations

import logging
import re
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar
from urllib.parse import quote

import requests
from pydiscourse.exceptions import DiscourseClientError, DiscourseError

from bot.config import Settings
from bot.discourse.client import (
    SERVICE,
    HookedClient,
    NoContentType,
    NotFound,
    RateLimited,
    our_error,
    status_of,
)
from bot.discourse.ratelimit import TokenBucket
from bot.errors import ExternalServiceError
from bot.logs import quiet_payload_loggers

log = logging.getLogger("creditbot.discourse")

DEFAULT_TIMEOUT: tuple[float, float] = (5.0, 20.0)  # (connect, read) seconds
EXTERNAL_ID = re.compile(r"[\w-]{1,50}")  # what Discourse's Topic validation accepts

T = TypeVar("T")


class PydiscourseGateway:
    """The Discourse gateway over ``pydiscourse.DiscourseClient``."""

    def __init__(
        self,
        base_url: str,
        api_username: str,
        api_key: str,
        *,
        timeout: float | tuple[float, float] = DEFAULT_TIMEOUT,
        bucket: TokenBucket | None = None,
        sleep: Callable[[float], None] = time.sleep,
        max_wait: float = 30.0,
        rate_limit_retries: int = 2,
        never_wait: bool = False,
    ) -> None:
        quiet_payload_loggers()  # pydiscourse would log e-mail addresses at DEBUG
        if not timeout:
            raise ValueError("a Discourse gateway always needs a timeout")
        self._client = HookedClient(
            base_url.rstrip("/"), api_username=api_username, api_key=api_key, timeout=timeout
        )
        self._sleep = sleep
        self._bucket = bucket or TokenBucket(sleep=sleep)
        self._max_wait = max_wait
        #: Never sleep for a rate limit (ours or the forum's 429): fail the call at once,
        #: transient, with how long to wait (the webhook's threads must not sleep).
        self._never_wait = never_wait
        self._rate_limit_retries = 0 if never_wait else rate_limit_retries

    @property
    def timeout(self) -> float | tuple[float, float]:
        return self._client.timeout  # type: ignore[no-any-return]

    # -- the agreed interface -------------------------------------------------------
    def create_topic(
        self, title: str, raw: str, category_id: int, external_id: str | None = None
    ) -> tuple[int, int]:
        """A new topic (its first post is ``raw``); (topic id, post id).

        With an ``external_id``, a topic that already carries it is returned instead,
        so a repeated call (a retried job, a lost response) creates nothing more.
        """
        if external_id and not EXTERNAL_ID.fullmatch(external_id):
            raise ValueError(
                f"Discourse refuses the external id {external_id!r}: use up to 50 letters, "
                "digits, '_' or '-'"
            )
        if external_id:
            existing = self._topic_by_external_id(external_id)
            if existing is not None:
                return existing
        extra: dict[str, Any] = {"external_id": external_id} if external_id else {}
        try:
            post = self._call(
                "create a topic",
                lambda: self._client.create_post(
                    raw, category_id=category_id, title=title, **extra
                ),
            )
        except ExternalServiceError as error:
            # Two creators raced: Discourse refuses the second external id; use the first.
            if external_id and not error.transient:
                existing = self._topic_by_external_id(external_id)
                if existing is not None:
                    return existing
            raise
        return int(post["topic_id"]), int(post["id"])

    def edit_first_post(self, topic_id: int, raw: str, reason: str) -> int:
        """Replace the first post of a topic (a new revision of it); the post's id."""
        found = self.topic(topic_id)
        posts = ((found or {}).get("post_stream") or {}).get("posts") or []
        if not posts:
            raise ExternalServiceError(
                "discourse", f"topic {topic_id} is not on the forum (any more)", transient=False
            )
        post_id = int(posts[0]["id"])
        self._call(f"edit post {post_id}", lambda: self._client.update_post(post_id, raw, reason))
        return post_id

    def find_topic(self, external_id: str) -> int | None:
        """The id of the topic with that external id, or None."""
        found = self._topic_by_external_id(external_id)
        return None if found is None else found[0]

    def send_private_message(self, usernames: list[str], title: str, raw: str) -> int:
        """A private message (``archetype=private_message``) to forum users; its topic id."""
        if not usernames:
            raise ValueError("a private message needs at least one recipient")
        post = self._call(
            "send a private message",
            lambda: self._client.create_post(
                raw,
                title=title,
                archetype="private_message",
                target_recipients=",".join(usernames),
            ),
        )
        return int(post["topic_id"])

    def user_email(self, username: str) -> str | None:
        """The user's primary e-mail address (admin API), or None if there is no such user."""
        try:
            emails = self._call(
                f"look up the e-mail of {username}",
                lambda: self._client.user_emails(quote(username, safe="")),
                allow_missing=True,
            )
        except NotFound:
            return None
        address = (emails or {}).get("email")
        return str(address) if address else None

    def user(self, username: str) -> dict[str, Any]:
        """The ``user`` object of ``/users/{username}.json``."""
        try:
            found = self._call(
                f"read the user {username}",
                lambda: self._client.user(quote(username, safe="")),
                allow_missing=True,
            )
        except NotFound:
            raise ExternalServiceError(
                SERVICE, f"no forum user named '{username}'", transient=False
            ) from None
        return dict(found)

    # -- badges (the Distinguished Contributor programme) -------------------------------
    def badges(self) -> list[dict[str, Any]]:
        """Every badge on the forum (admin API ``/admin/badges.json``)."""
        found = self._call("list the badges", lambda: self._client.badges())
        return [dict(b) for b in (found or {}).get("badges") or []]

    def create_badge(self, name: str, description: str, badge_type_id: int) -> int:
        """A new, manually granted badge (1 gold, 2 silver, 3 bronze); its id.

        Discourse refuses a second badge of the same name, so a repeated call fails
        rather than doubling it: look the badge up by name first.
        """
        created = self._call(
            f"create the badge {name!r}",
            # pydiscourse has no method for this one
            lambda: self._client._post(
                "/admin/badges.json",
                name=name,
                description=description,
                badge_type_id=int(badge_type_id),
                enabled="true",
                allow_title="true",
                multiple_grant="false",
                listable="true",
            ),
        )
        return int(created["badge"]["id"])

    def grant_badge(self, username: str, badge_id: int, reason: str) -> None:
        """Grant a badge; granting one the user already has is a success.

        ``reason`` must be a link to a topic or post of this forum (Discourse refuses
        any other); a path (``/t/123``) is made a full address on the forum.
        """
        if reason.startswith("/"):
            reason = self._client.host + reason

        def grant() -> Any:
            try:
                extra = {"reason": reason} if reason else {}
                return self._client.grant_badge_to(username, int(badge_id), **extra)
            except DiscourseClientError as error:
                if status_of(error) == 422 and "already" in str(error).lower():
                    return None  # an older forum's answer to a second grant
                raise

        self._call(f"grant badge {badge_id} to {username}", grant)

    def user_badges(self, username: str) -> list[dict[str, Any]]:
        """The badges a user holds (``/user-badges/{username}.json``: badge objects)."""
        found = self._call(
            f"list the badges of {username}",
            lambda: self._client.user_badges(quote(username, safe="")),
        )
        return [dict(b) for b in (found or {}).get("badges") or []]

    # -- reads for webhook processing and the sync ------------------------------------
    def topic(self, topic_id: int, slug: str | None = None) -> dict[str, Any] | None:
        """The topic view JSON (``details.created_by``, ``accepted_answer``...), or None."""
        try:
            found = self._call(
                f"read topic {topic_id}",
                lambda: self._client.topic(
                    quote(slug or "-", safe=""),
                    int(topic_id),
                    # a slug that no longer matches is answered with a redirect
                    override_request_kwargs={"allow_redirects": True},
                ),
                allow_missing=True,
            )
        except NotFound:
            return None
        return dict(found) if found else None

    def post_by_number(self, topic_id: int, post_number: int) -> dict[str, Any] | None:
        try:
            found = self._call(
                f"read post {post_number} of topic {topic_id}",
                lambda: self._client.post_by_number(int(topic_id), int(post_number)),
                allow_missing=True,
            )
        except NotFound:
            return None
        return dict(found) if found else None

    def latest_posts(self, before: int | None = None) -> list[dict[str, Any]]:
        """Public posts, newest first (those with an id below ``before``)."""
        found = self._call("list the latest posts", lambda: self._client.latest_posts(before))
        return list((found or {}).get("latest_posts") or [])

    def solved_topics(self, category_id: int, page: int = 0) -> tuple[list[dict[str, Any]], bool]:
        found = self._call(
            f"list solved topics of category {category_id}",
            lambda: self._client.category_topics(int(category_id), page=page, solved="yes"),
        )
        topic_list = (found or {}).get("topic_list") or {}
        return list(topic_list.get("topics") or []), bool(topic_list.get("more_topics_url"))

    # -- plumbing ---------------------------------------------------------------------
    def _topic_by_external_id(self, external_id: str) -> tuple[int, int] | None:
        path = f"/t/external_id/{quote(external_id, safe='')}.json"
        try:
            found = self._call(
                f"find the topic {external_id}",
                # Discourse answers with a redirect to the topic itself
                lambda: self._client._get(path, override_request_kwargs={"allow_redirects": True}),
                allow_missing=True,
            )
        except NotFound:
            return None
        if not found or "id" not in found:
            return None
        posts = ((found.get("post_stream") or {}).get("posts")) or []
        first_post = int(posts[0]["id"]) if posts else 0
        return int(found["id"]), first_post

    def _call(self, action: str, request: Callable[[], T], *, allow_missing: bool = False) -> T:
        """One API request: rate-limited, with 429 waits honoured and errors made ours.

        With ``allow_missing``, a 404/410 raises :class:`NotFound` for the caller to
        turn into None; otherwise it is an error like any other refusal.
        """
        retries = 0
        while True:
            self._take_turn(action)
            try:
                return request()
            except RateLimited as limited:
                self._wait_out(limited, action, retries)
                retries += 1
            except (NoContentType, DiscourseError, requests.RequestException, KeyError) as error:
                raise our_error(action, error, allow_missing) from None

    def _wait_out(self, limited: RateLimited, action: str, retries: int) -> None:
        """Sleep as a 429 asks, or give up when it asks too much (or too often)."""
        if retries >= self._rate_limit_retries or limited.wait > self._max_wait:
            raise ExternalServiceError(
                SERVICE,
                f"rate limited while trying to {action}; Discourse asks to wait {limited.wait:g}s",
                retry_after=limited.wait,
                transient=True,
            ) from None
        log.info(
            "discourse rate limit (%s): waiting %gs to %s",
            limited.limit or "unknown",
            limited.wait,
            action,
        )
        self._sleep(limited.wait)

    def _take_turn(self, action: str) -> None:
        if not self._never_wait:
            self._bucket.acquire()
            return
        wait = self._bucket.try_acquire()
        if wait > 0:
            raise ExternalServiceError(
                SERVICE,
                f"over this process's request budget for the forum; not waiting {wait:.1f}s "
                f"to {action}",
                retry_after=wait,
                transient=True,
            )


_buckets: dict[tuple[str, float], TokenBucket] = {}
_buckets_lock = threading.Lock()


def _shared_bucket(base_url: str, per_minute: float) -> TokenBucket:
    """One budget per forum in this process: the webhook route, the retry job and the
    outbox worker each build a gateway, and Discourse counts their requests together."""
    with _buckets_lock:
        key = (base_url.rstrip("/"), per_minute)
        if key not in _buckets:
            _buckets[key] = TokenBucket(per_minute=per_minute)
        return _buckets[key]


def make_discourse_gateway(
    settings: Settings,
    *,
    sleep: Callable[[float], None] = time.sleep,
    max_wait: float = 30.0,
    never_wait: bool = False,
) -> PydiscourseGateway:
    """The gateway for the forum in ``DISCOURSE_URL``, or a clear ``MissingSetting``."""
    needed_for = "the Discourse API"
    base_url = settings.value("DISCOURSE_URL", needed_for)
    return PydiscourseGateway(
        base_url,
        settings.value("DISCOURSE_API_USERNAME", needed_for),
        settings.secret("DISCOURSE_API_KEY", needed_for),
        bucket=_shared_bucket(base_url, settings.discourse_api_requests_per_minute),
        sleep=sleep,
        max_wait=max_wait,
        never_wait=never_wait,
    )
