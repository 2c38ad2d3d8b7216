"""Public responses cached until what they show changes.

Every write that can change a public page bumps ``public_state.version`` in its own
transaction (:func:`storage.repositories.rollups.bump_public_version`), so every
replica sharing the database agrees on it. A response is kept under (version, the day
in the programme's timezone — pages say which month has ended and when they were
updated —, path and query); a request first reads the version (one indexed row), then:

- ``If-None-Match`` naming the current ETag: ``304 Not Modified``, nothing rendered
  (the ETag derives from the key and the configuration alone, so every replica gives
  the same one without rendering);
- a kept response: sent as it is;
- else the page is rendered once, kept, and sent.

Responses carry ``Cache-Control: no-cache``: a browser or proxy may keep them but asks
again each time, and gets a 304 while nothing changed. The cache is bounded in bytes
(least recently used out first), so odd query strings cannot grow it without end.
"""

from __future__ import annotations

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable, Mapping
from dataclasses import dataclass

#: The most bytes of bodies kept per process.
MAX_BYTES = 32 * 1024 * 1024


@dataclass(frozen=True)
class Cached:
    status: int
    body: bytes
    media_type: str
    etag: str


class ResponseCache:
    """A thread-safe LRU of rendered responses, keyed by version, day and request."""

    def __init__(self, fingerprint: str, max_bytes: int = MAX_BYTES) -> None:
        self._fingerprint = fingerprint
        self._entries: OrderedDict[tuple[int, str, str], Cached] = OrderedDict()
        self._bytes = 0
        self._max = max_bytes
        self._lock = threading.Lock()

    def get_or_render(
        self,
        key: tuple[int, str, str],
        render: Callable[[], tuple[int, bytes, str]],
    ) -> Cached:
        """The kept response for ``key``, rendering it (outside the lock) when missing."""
        with self._lock:
            found = self._entries.get(key)
            if found is not None:
                self._entries.move_to_end(key)
                return found
        status, body, media_type = render()
        cached = Cached(status, body, media_type, self.etag(key))
        with self._lock:
            if key not in self._entries and len(body) <= self._max:
                self._entries[key] = cached
                self._bytes += len(body)
                while self._bytes > self._max:
                    _, old = self._entries.popitem(last=False)
                    self._bytes -= len(old.body)
        return cached

    def etag(self, key: tuple[int, str, str]) -> str:
        """The ETag of ``key``'s response: its version and day, and a digest of the
        request and of the configuration the pages were rendered with."""
        version, day, request = key
        text = f"{self._fingerprint}\x1f{request}".encode()
        return f'"{version}-{day}-{hashlib.blake2b(text, digest_size=8).hexdigest()}"'


def not_modified(if_none_match: str | None, etag: str) -> bool:
    """Whether an ``If-None-Match`` header names ``etag`` (or ``*``)."""
    if not if_none_match:
        return False
    names = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
    return "*" in names or etag in names


def request_key(path: str, query: Mapping[str, str]) -> str:
    """The request part of a cache key: the path and its sorted query."""
    return path + "?" + "&".join(f"{k}={v}" for k, v in sorted(query.items()))
