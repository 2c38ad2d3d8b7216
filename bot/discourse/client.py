"""pydiscourse, tamed: 429s and responses without a ``Content-Type`` raised before
pydiscourse's own loop reads them, and its errors (and ``requests``') made ours.

:class:`HookedClient` is the ``DiscourseClient`` the gateway uses; :func:`our_error`
turns a failed request into :class:`bot.errors.ExternalServiceError` (``transient``
for 429, 5xx and network failures), or :class:`NotFound` for a 404/410 that may be
missing.
"""

from __future__ import annotations

import email.utils
from datetime import UTC, datetime
from typing import Any

import requests
from pydiscourse import DiscourseClient
from pydiscourse.exceptions import DiscourseClientError, DiscourseError, DiscourseServerError

from bot.errors import ExternalServiceError

SERVICE = "discourse"
DEFAULT_RATE_LIMIT_WAIT = 10.0  # when a 429 says nothing about how long to wait


class RateLimited(Exception):
    def __init__(self, wait: float, limit: str | None) -> None:
        super().__init__(f"rate limited for {wait:g}s")
        self.wait = wait
        self.limit = limit


class NoContentType(Exception):
    def __init__(self, status: int) -> None:
        super().__init__(f"HTTP {status} response without a Content-Type")
        self.status = status


class NotFound(Exception):
    """404/410 from the forum; the public methods turn it into None."""


def wait_seconds(response: requests.Response) -> float:
    """How long Discourse asks us to wait: ``Retry-After``, else ``extras.wait_seconds``."""
    header = response.headers.get("Retry-After")
    if header:
        try:
            return max(float(header), 0.0)
        except ValueError:
            try:
                when = email.utils.parsedate_to_datetime(header)
            except (TypeError, ValueError):
                when = None
            if when is not None:
                if when.tzinfo is None:
                    when = when.replace(tzinfo=UTC)
                return max((when - datetime.now(UTC)).total_seconds(), 0.0)
    try:
        extras = response.json().get("extras") or {}
        return max(float(extras["wait_seconds"]), 0.0)
    except (ValueError, TypeError, KeyError, AttributeError):
        return DEFAULT_RATE_LIMIT_WAIT


def inspect_response(response: requests.Response, *_args: Any, **_kwargs: Any) -> None:
    """A ``requests`` response hook: stop what pydiscourse would mishandle."""
    if response.status_code == 429:
        _ = response.content  # read it, so the connection goes back to the pool
        raise RateLimited(
            wait_seconds(response), response.headers.get("Discourse-Rate-Limit-Error-Code")
        )
    if 200 <= response.status_code < 300 and not response.headers.get("Content-Type"):
        _ = response.content
        raise NoContentType(response.status_code)


class HookedClient(DiscourseClient):  # type: ignore[misc]
    """pydiscourse's client with our response hook on every request it makes."""

    def _request(
        self,
        verb: str,
        path: str,
        params: Any = None,
        files: Any = None,
        data: Any = None,
        json: Any = None,
        override_request_kwargs: dict[str, Any] | None = None,
    ) -> Any:
        extra: dict[str, Any] = {"hooks": {"response": [inspect_response]}}
        extra.update(override_request_kwargs or {})
        return super()._request(
            verb,
            path,
            params=params,
            files=files,
            data=data,
            json=json,
            override_request_kwargs=extra,
        )


def status_of(error: DiscourseError) -> int | None:
    response = getattr(error, "response", None)
    return None if response is None else int(response.status_code)


def our_error(action: str, error: Exception, allow_missing: bool) -> Exception:
    """A failed request as our error (:class:`NotFound` for a 404/410 that may be
    missing); transient when trying again later may work."""
    if isinstance(error, NoContentType):
        return ExternalServiceError(SERVICE, f"could not {action}: {error}", transient=True)
    if isinstance(error, DiscourseClientError):
        status = status_of(error)
        if status in (404, 410) and allow_missing:
            return NotFound(action)
        return ExternalServiceError(
            SERVICE,
            f"could not {action}: HTTP {status} {error}",
            transient=status in (408, 409),
        )
    if isinstance(error, DiscourseServerError):
        return ExternalServiceError(
            SERVICE, f"could not {action}: HTTP {status_of(error)} {error}", transient=True
        )
    if isinstance(error, DiscourseError):  # a redirect, or a response that is not JSON
        status = status_of(error)
        redirected = status is not None and 300 <= status < 400
        return ExternalServiceError(
            SERVICE,
            f"could not {action}: {error}"
            + (" (check DISCOURSE_URL and DISCOURSE_API_KEY)" if redirected else ""),
            transient=not redirected,
        )
    if isinstance(error, requests.Timeout):
        return ExternalServiceError(
            SERVICE, f"could not {action}: the forum did not answer in time", transient=True
        )
    if isinstance(error, requests.RequestException):
        return ExternalServiceError(
            SERVICE,
            f"could not {action}: the forum cannot be reached ({error.__class__.__name__})",
            transient=True,
        )
    # pydiscourse reading a response it did not expect (a KeyError)
    return ExternalServiceError(
        SERVICE, f"could not {action}: unexpected response (no {error})", transient=True
    )
