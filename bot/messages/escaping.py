"""What people wrote, made safe for where the bot posts it: one helper per target.

- Slack mrkdwn (:func:`slack_text`): ``&``, ``<`` and ``>`` are Slack's only control
  characters; escaping them breaks every ping and link (``<!channel>``, ``<!here>``,
  ``<!everyone>``, ``<@U…>``, ``<#C…>``, ``<http://…|…>``). mrkdwn has no escape for
  ``*_~`` or for bare links, so builders also put such text in ``plain_text`` or in
  ``verbatim: true`` mrkdwn (no auto-linking of names, channels or URLs).
- Discourse Markdown (:func:`discourse_markdown_text`): one line with Markdown and HTML
  escaped, mentions (``@user``, ``@group``, ``@here``) and bare links broken by a
  zero-width space. A forum post keeps its revisions public, so this is done before the
  first post, never by an edit.
- HTML pages: Jinja's autoescape (``bot/web/pages.py``), which also drops what
  :func:`without_bidi_controls` drops from every value a template prints.

Every helper drops Unicode's direction overrides and isolates (:data:`BIDI_CONTROLS`).
"""

from __future__ import annotations

import re

#: Breaks a mention or an auto-link without changing what a reader sees.
ZERO_WIDTH_SPACE = "\u200b"
#: Unicode's explicit direction controls: embeddings and overrides (U+202A-U+202E) and
#: isolates (U+2066-U+2069). Each holds until its terminator or the end of the paragraph,
#: so one in a name turns the rest of the line around ("Trojan Source"); no name or
#: sentence needs them (the bidi algorithm orders Arabic and Hebrew by itself), so every
#: medium drops them. The marks U+200E / U+200F change no order around them and stay.
BIDI_CONTROLS = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
_NO_BIDI = dict.fromkeys(map(ord, BIDI_CONTROLS))

# An "&" that does not already start one of Slack's three entities: text that came from
# Slack arrives escaped (a typed "<" is "&lt;"), and escaping it again would show "&lt;".
_BARE_AMPERSAND = re.compile(r"&(?!(?:amp|lt|gt);)")
# What CommonMark and Discourse give a meaning to inside a line (backslash-escapable).
_MARKDOWN_PUNCTUATION = frozenset("\\`*_[]<>#!|~&")
_SCHEME = re.compile(r"(?i)\b(https?|ftp|mailto|www)([:.])")


def without_bidi_controls(text: str) -> str:
    """``text`` without :data:`BIDI_CONTROLS`: it reads in the order it was written."""
    return text.translate(_NO_BIDI)


def slack_text(text: str) -> str:
    """``text`` safe in Slack mrkdwn and in a message's ``text``: it pings nobody and
    links nothing. Raw text and Slack's own escaped text both come out right."""
    text = without_bidi_controls(text)
    escaped = _BARE_AMPERSAND.sub("&amp;", text).replace("<", "&lt;").replace(">", "&gt;")
    # a bare address would still be turned into a link by Slack's clients
    return _SCHEME.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE + m.group(2), escaped)


# A user or channel mention (with an optional label) and, when asked, a link: the tokens
# a text written by the bot around people's words may keep. Never <!channel> & co.
_MENTION = r"<[@#][A-Z0-9]+(?:\|[^<>]*)?>"
_LINK = r"<https?://[^\s<>|]+(?:\|[^<>]*)?>"
_KEPT = {False: re.compile(_MENTION), True: re.compile(f"{_MENTION}|{_LINK}")}


def slack_text_keeping_mentions(text: str, *, links: bool = False) -> str:
    """Like :func:`slack_text`, but user and channel mentions (and links, if asked) stay
    clickable: for the bot's own sentences that quote people, and for private panels."""
    parts: list[str] = []
    last = 0
    text = without_bidi_controls(text)  # a kept mention's label too
    for match in _KEPT[links].finditer(text):
        parts += [slack_text(text[last : match.start()]), match.group()]
        last = match.end()
    parts.append(slack_text(text[last:]))
    return "".join(parts)


def discourse_markdown_text(text: str) -> str:
    """``text`` as one line of Discourse Markdown (a table cell, a list item) that shows
    as written: no markup, no HTML, no mention, no link, no line break or pipe."""
    line = " ".join(without_bidi_controls(text).split())
    escaped = "".join("\\" + char if char in _MARKDOWN_PUNCTUATION else char for char in line)
    escaped = escaped.replace("@", "@" + ZERO_WIDTH_SPACE)
    return _SCHEME.sub(lambda m: m.group(1) + ZERO_WIDTH_SPACE + m.group(2), escaped)


_FORUM_USERNAME = re.compile(r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,59}")


def discourse_mention(username: str | None, name: str) -> str:
    """``@username`` of a forum account (a deliberate mention of that person), else the
    name as text; a username that is not one Discourse allows is shown as text too."""
    if username and _FORUM_USERNAME.fullmatch(username):
        return f"@{username}"
    return discourse_markdown_text(username or name)
