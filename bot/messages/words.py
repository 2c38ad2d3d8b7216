"""Small pieces of English the wording shares."""

from __future__ import annotations


def plural(count: int, one: str, many: str | None = None) -> str:
    """``1 credit`` / ``2 credits``; ``many`` for an irregular plural (``1 person`` /
    ``3 people``)."""
    if count == 1:
        return f"{count} {one}"
    return f"{count} {many if many is not None else one + 's'}"
