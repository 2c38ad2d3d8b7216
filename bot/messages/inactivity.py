"""Nudges and welcome backs for members the bot can reach only on the forum.

A member without a Slack account but with a forum account gets the inactivity job's
messages as a Discourse private message (through the outbox, like every message).
There is no ``/credit quiet`` on the forum, so each message says how to opt out and how
to ask for a copy of what the bot holds, or for its erasure: at ``inactivity.privacy_url``
when the programme configured one, otherwise by replying to the message (a reply
reaches the bot's forum account, which the programme's managers read).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import ProgrammeConfig


@dataclass(frozen=True)
class ForumMessage:
    title: str
    raw: str

    def payload(self) -> dict[str, str]:
        return {"title": self.title, "raw": self.raw}


def plain_first_name(name: str) -> str:
    """The first word of a name with nothing a forum post could read as markup."""
    first = name.split()[0] if name.strip() else ""
    kept = "".join(c for c in first if c.isalnum() or c in "-'")
    return kept or "there"


def forum_nudge(name: str, config: ProgrammeConfig, happening: str) -> ForumMessage:
    community = config.web.community_name
    return ForumMessage(
        title=f"We miss you at {community}",
        raw=(
            f"Hi {plain_first_name(name)}! We have not seen you around for a while, and we "
            f"miss you. {happening}If you would like to help: {config.shoutout.how_to_get_listed}"
            f"\n\n{your_choices(config)}"
        ),
    )


def forum_welcome_back(name: str, away_days: int, config: ProgrammeConfig) -> ForumMessage:
    return ForumMessage(
        title=f"Welcome back to {config.web.community_name}",
        raw=(
            f"Welcome back, {plain_first_name(name)}! It is good to see you again after "
            f"{away_days} days.\n\n{your_choices(config)}"
        ),
    )


def your_choices(config: ProgrammeConfig) -> str:
    url = config.inactivity.privacy_url
    if url:
        return (
            f"Not for you right now? Say so at {url} and we will not write again. There you "
            "can also ask for a copy of everything we hold about you, or for it to be erased."
        )
    return (
        "Not for you right now? Reply to this message and we will not write again. Reply "
        "too if you would like a copy of everything we hold about you, or for it to be erased."
    )
