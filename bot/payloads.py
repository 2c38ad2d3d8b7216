"""Checks shared by the endpoints that read bodies from outside (Slack, Discourse)."""

from __future__ import annotations

from typing import Any


def holds_nul(value: Any) -> bool:
    """Whether a parsed JSON value (or form) holds a NUL character in any key or string.

    Neither Slack nor Discourse ever sends one (Discourse keeps its data in PostgreSQL,
    which cannot store it, and neither can creditbot's PostgreSQL), so a body that holds
    one is refused before anything is stored. Walks without recursion: a body may be
    nested as deep as the JSON parser allows.
    """
    pending = [value]
    while pending:
        item = pending.pop()
        if isinstance(item, str):
            if "\x00" in item:
                return True
        elif isinstance(item, dict):
            pending.extend(item.keys())
            pending.extend(item.values())
        elif isinstance(item, list):
            pending.extend(item)
    return False
