"""The Distinguished Contributors' announcement as Markdown (the forum topic) and text.

Block Kit is in ``bot/messages/slack/recognition.py``. Forum users are mentioned
(``@username``), so they are notified; everyone else is named.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.messages.escaping import discourse_markdown_text, discourse_mention
from bot.messages.words import plural


@dataclass(frozen=True)
class Recognised:
    """One new Distinguished Contributor, as the announcement names them."""

    nominee_key: str
    name: str
    organisation: str | None = None
    """For a member: the name of their organisation on the decision day."""
    slack_user: str | None = None
    discourse_username: str | None = None
    is_organisation: bool = False


@dataclass(frozen=True)
class TrackAnnouncement:
    key: str
    name: str
    people: tuple[Recognised, ...]


@dataclass(frozen=True)
class Announcement:
    """What a cycle's announcement says, whatever it is rendered in."""

    cycle: int
    tracks: tuple[TrackAnnouncement, ...]
    unnamed: int
    """Approved members who asked not to be named publicly: counted only."""
    community: str
    term_years: int
    next_opens: str
    """When the next cycle's nominations open, e.g. "1 September 2027"."""

    @property
    def total(self) -> int:
        return sum(len(t.people) for t in self.tracks) + self.unnamed


def unnamed_line(count: int) -> str:
    """``1 more member who prefers not to be named publicly`` (and the plural)."""
    if count == 1:
        return "1 more member who prefers not to be named publicly"
    return f"{count} more members who prefer not to be named publicly"


def announcement_title(announcement: Announcement) -> str:
    """The forum topic's title."""
    return f"Distinguished Contributors {announcement.cycle}: congratulations!"


def _forum_who(person: Recognised) -> str:
    if person.is_organisation:
        return f"**{discourse_markdown_text(person.name)}**"
    name = discourse_mention(person.discourse_username, person.name)
    return (
        f"{name} ({discourse_markdown_text(person.organisation)})" if person.organisation else name
    )


def _closing(announcement: Announcement) -> str:
    return (
        f"Membership lasts {plural(announcement.term_years, 'year', 'years')} and is renewed "
        "while the contributions go on. Nominations for the next cycle open on "
        f"{announcement.next_opens}."
    )


def announcement_markdown(announcement: Announcement) -> str:
    """The forum topic's body: the new members by track."""
    total = plural(
        announcement.total, "new Distinguished Contributor", "new Distinguished Contributors"
    )
    out = [
        f"The review panel has recognised **{total}** in {announcement.cycle}. "
        "Congratulations, and thank you for all you give to "
        f"{discourse_markdown_text(announcement.community)}!",
        "",
    ]
    for track in announcement.tracks:
        out += [f"### {discourse_markdown_text(track.name)}", ""]
        out += [f"- {_forum_who(person)}" for person in track.people]
        out.append("")
    if announcement.unnamed:
        out += [f"…and {unnamed_line(announcement.unnamed)}.", ""]
    out += [
        "Each member gets the badge of their track here on the forum.",
        "",
        _closing(announcement),
    ]
    return "\n".join(out)
