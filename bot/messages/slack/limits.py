"""Slack's size limits on what the bot posts, in one place (Block Kit refuses a message
over any of them), and the one way a text is shortened to fit."""

from __future__ import annotations

MAX_BLOCKS = 50
"""Blocks in one message."""
MAX_SECTION_CHARS = 3000
"""The text of a section, and of each element of a context block."""
MAX_HEADER_CHARS = 150
"""The plain text of a header block."""
MAX_FALLBACK_CHARS = 3000
"""The ``text`` sent with the blocks (notifications, clients without blocks); Slack
takes more, but the bot keeps it as short as a section."""
MAX_OPTION_CHARS = 75
"""The plain text of a button, a select option or a placeholder."""
MAX_LABEL_CHARS = 2000
"""The label and the hint of an input block."""
MAX_INPUT_CHARS = 3000
"""The longest ``max_length`` of a plain-text input."""


def cut(text: str, limit: int) -> str:
    """``text``, or its first ``limit - 1`` characters and "…" when it is longer."""
    return text if len(text) <= limit else text[: limit - 1] + "…"
