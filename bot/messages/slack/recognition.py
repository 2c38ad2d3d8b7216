"""The Distinguished Contributors' announcement in Block Kit, within Slack's limits.

One header, a word of thanks, one section per track (split when a long list passes
Slack's 3,000 characters), and how the programme goes on. People with a Slack account
are mentioned (``<@U123>``); organisations and people without one are named.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.messages.distinguished import unnamed_line
from bot.messages.escaping import slack_text
from bot.messages.slack.limits import (
    MAX_BLOCKS,
    MAX_FALLBACK_CHARS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    cut,
)
from bot.messages.words import plural

if TYPE_CHECKING:
    from bot.messages.distinguished import Announcement, Recognised

Block = dict[str, Any]


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION_CHARS)}}


def _packed(heading: str, lines: list[str]) -> list[Block]:
    chunks: list[str] = []
    current = heading
    for line in lines:
        candidate = f"{current}\n{line}"
        if len(candidate) > MAX_SECTION_CHARS:
            chunks.append(current)
            current = line
        else:
            current = candidate
    chunks.append(current)
    return [_section(chunk) for chunk in chunks]


def _who(person: Recognised) -> str:
    if person.is_organisation:
        return f"*{slack_text(person.name)}*"
    name = f"<@{person.slack_user}>" if person.slack_user else slack_text(person.name)
    return f"{name} · {slack_text(person.organisation)}" if person.organisation else name


def announcement_message(announcement: Announcement) -> dict[str, Any]:
    """``{"text", "blocks"}`` for ``chat.postMessage``: the cycle's new members by track."""
    header = f":trophy: Distinguished Contributors {announcement.cycle}"
    total = plural(
        announcement.total, "new Distinguished Contributor", "new Distinguished Contributors"
    )
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": header[:MAX_HEADER_CHARS], "emoji": True},
        },
        _section(
            f"Congratulations to the *{total}* of {announcement.cycle}, recognised by the "
            f"review panel for what they give to {slack_text(announcement.community)}. "
            "Thank you! :tada:"
        ),
        {"type": "divider"},
    ]
    for track in announcement.tracks:
        blocks += _packed(
            f"*{slack_text(track.name)}*", [f"• {_who(person)}" for person in track.people]
        )
    if announcement.unnamed:
        blocks.append(_section(f"…and {unnamed_line(announcement.unnamed)}."))
    context = {
        "type": "context",
        "elements": [
            {
                "type": "mrkdwn",
                "text": (
                    "Each member gets their track's badge on the forum. Membership lasts "
                    f"{plural(announcement.term_years, 'year', 'years')} and is renewed while "
                    "the contributions go on. Nominations for the next cycle open on "
                    f"{announcement.next_opens}: `/nominate`."
                ),
            }
        ],
    }
    if len(blocks) > MAX_BLOCKS - 1:
        blocks = [*blocks[: MAX_BLOCKS - 2], _section("…and more: see the public page.")]
    blocks.append(context)
    return {"text": fallback_text(announcement), "blocks": blocks}


def fallback_text(announcement: Announcement) -> str:
    """The plain ``text``: who, in which track, names without mentions."""
    named = [
        f"{person.name} ({track.name})" for track in announcement.tracks for person in track.people
    ]
    if announcement.unnamed:
        named.append(plural(announcement.unnamed, "more member", "more members"))
    who = named[0] if len(named) == 1 else ", ".join(named[:-1]) + " and " + named[-1]
    text = f"Distinguished Contributors {announcement.cycle}: congratulations to {who}!"
    if len(text) > MAX_FALLBACK_CHARS:
        text = text[: MAX_FALLBACK_CHARS - 1] + "…"
    return text
