"""The Slack Web API behind small protocols: what the bot posts and reads.

``SlackGateway`` (in :mod:`bot.ports`) is what the outbox worker and the jobs post;
``SlackReader`` adds what the Slack adapter reads (thread replies, one message,
who the bot is). :class:`WebClientSlackGateway` implements both with
``slack_sdk.WebClient`` pointed at ``SLACK_API_URL``:

- every call is retried once on 429, after the ``Retry-After`` Slack asked for (up
  to :data:`MAX_RETRY_AFTER_SECONDS`; a longer wait is left to the caller, e.g. the
  outbox, through ``ExternalServiceError.retry_after``);
- reads and idempotent writes (``chat.update``, ``views.publish``,
  ``conversations.open``) are also retried on 5xx and on connection errors; posts are
  not, so a post Slack accepted before failing is never made twice (nor is
  ``views.open``: its ``trigger_id`` works once, for 3 seconds);
- every failure becomes :class:`bot.errors.ExternalServiceError`, transient for
  429, 5xx and network trouble. Tokens never appear in messages.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar
from urllib.error import URLError

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.http_retry.builtin_handlers import (
    ConnectionErrorRetryHandler,
    RateLimitErrorRetryHandler,
    ServerErrorRetryHandler,
)
from slack_sdk.http_retry.request import HttpRequest
from slack_sdk.http_retry.response import HttpResponse
from slack_sdk.http_retry.state import RetryState
from slack_sdk.web import SlackResponse

from bot.config import Settings
from bot.errors import ExternalServiceError
from bot.logs import quiet_payload_loggers
from bot.ports import Blocks

log = logging.getLogger("creditbot.slack")

T = TypeVar("T")

MAX_RETRY_AFTER_SECONDS = 30
TIMEOUT_SECONDS = 10
_TRANSIENT_ERRORS = {
    "ratelimited",
    "internal_error",
    "fatal_error",
    "service_unavailable",
    "request_timeout",
}


class _BoundedRateLimitRetry(RateLimitErrorRetryHandler):
    """Waits for Slack's ``Retry-After`` and retries, unless the wait is too long for a
    request in flight: then the 429 surfaces with its ``retry_after`` for the caller."""

    def _can_retry(
        self,
        *,
        state: RetryState,
        request: HttpRequest,
        response: HttpResponse | None = None,
        error: Exception | None = None,
    ) -> bool:
        if not super()._can_retry(state=state, request=request, response=response, error=error):
            return False
        return (_retry_after(response.headers if response else {}) or 0) <= (
            MAX_RETRY_AFTER_SECONDS
        )


def _retry_after(headers: dict[str, Any]) -> float | None:
    for name, value in headers.items():
        if name.lower() == "retry-after":
            raw = value[0] if isinstance(value, list) else value
            try:
                return float(raw)
            except (TypeError, ValueError):
                return None
    return None


class WebClientSlackGateway:
    """:class:`SlackReader` over ``slack_sdk.WebClient``."""

    def __init__(self, token: str, base_url: str, *, timeout: int = TIMEOUT_SECONDS) -> None:
        quiet_payload_loggers()  # slack_sdk would log message bodies and e-mails at DEBUG
        base_url = base_url if base_url.endswith("/") else base_url + "/"
        self.reads = WebClient(
            token=token,
            base_url=base_url,
            timeout=timeout,
            retry_handlers=[
                _BoundedRateLimitRetry(max_retry_count=1),
                ServerErrorRetryHandler(max_retry_count=2),
                ConnectionErrorRetryHandler(max_retry_count=2),
            ],
        )
        self.writes = WebClient(
            token=token,
            base_url=base_url,
            timeout=timeout,
            retry_handlers=[_BoundedRateLimitRetry(max_retry_count=1)],
        )

    # -- SlackGateway ----------------------------------------------------------------
    def post_message(
        self, channel: str, text: str, blocks: Blocks | None = None, thread_ts: str | None = None
    ) -> str:
        response = self._call(
            "chat.postMessage",
            lambda: self.writes.chat_postMessage(
                channel=channel, text=text, blocks=blocks, thread_ts=thread_ts
            ),
        )
        return str(response["ts"])

    def update_message(
        self, channel: str, ts: str, text: str, blocks: Blocks | None = None
    ) -> None:
        self._call(
            "chat.update",
            lambda: self.reads.chat_update(channel=channel, ts=ts, text=text, blocks=blocks),
        )

    def post_ephemeral(
        self, channel: str, user: str, text: str, blocks: Blocks | None = None
    ) -> None:
        self._call(
            "chat.postEphemeral",
            lambda: self.writes.chat_postEphemeral(
                channel=channel, user=user, text=text, blocks=blocks
            ),
        )

    def send_dm(self, user: str, text: str, blocks: Blocks | None = None) -> str:
        opened = self._call("conversations.open", lambda: self.reads.conversations_open(users=user))
        return self.post_message(str(opened["channel"]["id"]), text, blocks)

    def send_file_dm(self, user: str, filename: str, content: str, comment: str) -> str:
        """A file in a DM to ``user`` (``conversations.open``, then ``files_upload_v2``);
        the file's id."""
        opened = self._call("conversations.open", lambda: self.reads.conversations_open(users=user))
        channel = str(opened["channel"]["id"])
        response = self._call(
            "files.upload",
            lambda: self.writes.files_upload_v2(
                channel=channel,
                filename=filename,
                title=filename,
                content=content,
                initial_comment=comment,
            ),
        )
        return str((response.get("file") or {}).get("id", ""))

    def user_info(self, user_id: str) -> dict[str, Any]:
        response = self._call("users.info", lambda: self.reads.users_info(user=user_id))
        return dict(response["user"])

    def permalink(self, channel: str, ts: str) -> str | None:
        try:
            response = self._call(
                "chat.getPermalink",
                lambda: self.reads.chat_getPermalink(channel=channel, message_ts=ts),
            )
        except ExternalServiceError as error:
            log.warning("no permalink for %s/%s: %s", channel, ts, error)
            return None
        link = response.get("permalink")
        return str(link) if link else None

    def publish_home(self, user_id: str, view: dict[str, Any]) -> None:
        self._call("views.publish", lambda: self.reads.views_publish(user_id=user_id, view=view))

    def open_view(self, trigger_id: str, view: dict[str, Any]) -> None:
        # Not retried on 5xx: a trigger_id is used once and expires in 3 seconds.
        self._call("views.open", lambda: self.writes.views_open(trigger_id=trigger_id, view=view))

    # -- SlackReader -------------------------------------------------------------------
    def thread_replies(self, channel: str, thread_ts: str, before: str) -> list[dict[str, Any]]:
        messages: list[dict[str, Any]] = []
        cursor: str | None = None
        for _page in range(10):  # at most 2,000 messages: enough to find who helped
            response = self._call(
                "conversations.replies",
                partial(
                    self.reads.conversations_replies,
                    channel=channel,
                    ts=thread_ts,
                    latest=before,
                    inclusive=False,
                    limit=200,
                    cursor=cursor,
                ),
            )
            messages.extend(m for m in response.get("messages") or [] if _before(m, before))
            cursor = (response.get("response_metadata") or {}).get("next_cursor") or None
            if not cursor or not response.get("has_more"):
                break
        return sorted(messages, key=lambda m: _ts_key(str(m.get("ts", "0"))))

    def message(self, channel: str, ts: str) -> dict[str, Any] | None:
        try:
            history = self._call(
                "conversations.history",
                lambda: self.reads.conversations_history(
                    channel=channel, latest=ts, oldest=ts, inclusive=True, limit=1
                ),
            )
            found = _with_ts(history.get("messages") or [], ts)
            if found is None:
                # A reply in a thread is not in the channel's history; ask the thread.
                replies = self._call(
                    "conversations.replies",
                    lambda: self.reads.conversations_replies(
                        channel=channel, ts=ts, latest=ts, oldest=ts, inclusive=True, limit=1
                    ),
                )
                found = _with_ts(replies.get("messages") or [], ts)
        except ExternalServiceError as error:
            if error.transient:
                raise
            log.warning("cannot read message %s/%s: %s", channel, ts, error.detail)
            return None
        return found

    # -- plumbing --------------------------------------------------------------------
    def who_am_i(self) -> dict[str, Any]:
        """``auth.test``: the bot's user id, bot id and team (checks the token too)."""
        return dict(self._call("auth.test", self.reads.auth_test).data)  # type: ignore[arg-type]

    def _call(self, method: str, call: Callable[[], SlackResponse]) -> SlackResponse:
        try:
            return call()
        except SlackApiError as error:
            response = error.response
            status = int(getattr(response, "status_code", 0) or 0)
            code = str(response.get("error", "")) if isinstance(response.data, dict) else ""
            transient = status == 429 or status >= 500 or code in _TRANSIENT_ERRORS
            retry_after = _retry_after(dict(response.headers or {})) if status == 429 else None
            if status != 200:
                known = f" ({code})" if code and " " not in code else ""
                code = f"HTTP {status}{known}"
            detail = f"{method} failed: {code}"
            raise ExternalServiceError(
                "Slack", detail, retry_after=retry_after, transient=transient
            ) from None
        except (SlackRequestError, URLError, TimeoutError, ConnectionError, OSError) as error:
            raise ExternalServiceError(
                "Slack", f"{method} could not reach Slack ({type(error).__name__})", transient=True
            ) from None


def _ts_key(ts: str) -> tuple[int, int]:
    seconds, _, fraction = ts.partition(".")
    try:
        return int(seconds), int(fraction or 0)
    except ValueError:
        return 0, 0


def _before(message: dict[str, Any], ts: str) -> bool:
    return _ts_key(str(message.get("ts", "0"))) < _ts_key(ts)


def _with_ts(messages: list[dict[str, Any]], ts: str) -> dict[str, Any] | None:
    return next((dict(m) for m in messages if str(m.get("ts")) == ts), None)


def make_slack_gateway(settings: Settings) -> WebClientSlackGateway:
    """The gateway for the configured workspace (``SLACK_BOT_TOKEN``, ``SLACK_API_URL``)."""
    token = settings.secret("SLACK_BOT_TOKEN", "talking to Slack")
    return WebClientSlackGateway(token, settings.slack_api_url)
