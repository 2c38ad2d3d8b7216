"""People's names, made safe to show in public, and the welcome to new contributors.

A name comes from the people themselves (a Slack profile, a forum account), so it may
hold anything: ``<!channel>``, ``@everyone``, a link, line breaks, invisible characters.
:func:`neutral_name` does what holds for every medium: one line of at most
``MAX_NAME_CHARS`` characters, without control or format characters (Unicode's direction
overrides and isolates, which would turn the line around, and the zero-width joiners and
spaces, which in a name only hide or disguise letters: a family emoji falls apart into its
people, a price worth paying), with a zero-width space after every ``@`` (no mention,
wherever the name goes), every ``:`` before a ``/`` and every ``.`` between letters
(no client turns ``evil.example`` into a link: names are where a bare domain hides
best). What formats in one medium is taken away by that medium's one helper in
:mod:`bot.messages.escaping` (``slack_text`` in a verbatim section, ``discourse_markdown_text``
on the forum), which every renderer applies on top of this; those helpers (and the HTML
pages) also drop the direction overrides from everything else they show, organisation
names included, which do not pass through here.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

ZERO_WIDTH_SPACE = "\u200b"
MAX_NAME_CHARS = 80
_LINKISH = re.compile(r"(@|:(?=/)|\.(?=\w))")


def neutral_name(name: str) -> str:
    """``name`` as one readable line that mentions and links nothing, of sane length."""
    one_line = " ".join(name.split())
    words = "".join(c for c in one_line if not unicodedata.category(c).startswith("C")).strip()
    if len(words) > MAX_NAME_CHARS:
        words = words[: MAX_NAME_CHARS - 1] + "…"
    return _LINKISH.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE, words) or "someone"


def welcome_sentence(names: Sequence[str], total: int) -> str | None:
    """``Welcome, Ann, Bo and 2 more!`` for ``total`` new contributors of whom ``names``
    (already neutral and escaped for the medium) may be named; None when none may."""
    if not names:
        return None
    more = total - len(names)
    shown = list(names) + ([f"{more} more"] if more > 0 else [])
    if len(shown) == 1:
        return f"Welcome, {shown[0]}!"
    return f"Welcome, {', '.join(shown[:-1])} and {shown[-1]}!"
