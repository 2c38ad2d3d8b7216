"""Recognition of new Distinguished Contributors: the announcement and the forum badges.

``decide`` (``bot/services/distinguished/cycle.py``) calls :func:`enqueue_announcements` in
its own transaction, so the messages are stored if and only if the outcome is. It
writes to the outbox:

- ``dc:announce:slack:<cycle>``: one post (Block Kit and text) to the announcements
  channel (``distinguished.announcements_channel``, else ``slack.shoutout_channel``);
- ``dc:announce:discourse:<cycle>``: one topic (Markdown) in
  ``distinguished.discourse_category_id`` (else ``discourse.shoutout_category_id``),
  external id ``creditbot-dc-<cycle>``, so a retry finds it instead of doubling it;
- ``dc:badge:<track>:<nominee_key>``: for each approved member with a forum account, the
  track's badge (created once on the forum, then granted; see ``bot/outbox/discourse.py``).

The grant's reason is the announcement topic: Discourse accepts only a link to one of
its own topics or posts as a reason, so the public ``/distinguished`` page cannot be it.

A cycle in which nobody was approved announces nothing: a post saying "nobody this
year" would read as a verdict on the people who were nominated, and the public page
already shows each cycle's count.

A member who asked not to be named publicly (``show_publicly`` off) is counted in the
announcement ("and 1 more"), never named; their badge is still granted, on their own
forum profile.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Protocol

from bot.config import DistinguishedConfig, ProgrammeConfig
from bot.messages.distinguished import (
    Announcement,
    Recognised,
    TrackAnnouncement,
    announcement_markdown,
    announcement_title,
)
from bot.messages.slack.recognition import announcement_message
from scoring.models import IdentityKind
from storage.uow import UnitOfWork

SLACK_KEY = "dc:announce:slack:{cycle}"
DISCOURSE_KEY = "dc:announce:discourse:{cycle}"
BADGE_KEY = "dc:badge:{track}:{nominee_key}"


class ApprovedNomination(Protocol):
    """What the announcement reads of a nomination (the repository's ``Nomination``)."""

    @property
    def track(self) -> str: ...

    @property
    def nominee_key(self) -> str: ...

    @property
    def nominee_member_id(self) -> int | None: ...

    @property
    def nominee_org(self) -> str | None: ...


@dataclass(frozen=True)
class BadgeGrant:
    """A badge to grant on the forum (the outbox payload of kind ``badge``)."""

    username: str
    track: str
    name: str
    description: str
    badge_type_id: int
    reason: str
    topic_external_id: str | None


def topic_external_id(cycle: int) -> str:
    """The announcement topic's external id on the forum."""
    return f"creditbot-dc-{cycle}"


def day_label(day: date) -> str:
    """``1 September 2027``."""
    return f"{day.day} {day:%B} {day.year}"


def badge_description(config: ProgrammeConfig, track_key: str) -> str:
    """The forum badge's description: the track's own, or one saying what it recognises."""
    track = config.distinguished.tracks[track_key]
    if track.description:
        return track.description
    what = ", ".join(track.types) if track.types else "every kind of contribution"
    return (
        f"Recognised by the {config.web.community_name} review panel as a {track.name}, "
        f"for outstanding, sustained contributions ({what})."
    )


def build_announcement(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    cycle: int,
    approved: Sequence[ApprovedNomination],
) -> tuple[Announcement, dict[str, Recognised]]:
    """The announcement of ``approved``, and each recognised nominee (named or not) by key."""
    settings = config.distinguished
    decided = date(cycle, *settings.rules.decides)
    by_key, hidden = _recognised(uow, approved, decided)
    tracks, unnamed = _by_track(settings, approved, by_key, hidden)
    announcement = Announcement(
        cycle=cycle,
        tracks=tracks,
        unnamed=unnamed,
        community=config.web.community_name,
        term_years=settings.term_years,
        next_opens=day_label(date(cycle + 1, *settings.rules.opens)),
    )
    return announcement, by_key


def _recognised(
    uow: UnitOfWork, approved: Sequence[ApprovedNomination], decided: date
) -> tuple[dict[str, Recognised], set[str]]:
    """Each nominee of ``approved`` once, by key (a member as on the day of the
    decision, or an organisation); and the keys of members who are not shown publicly."""
    org_names = {o.slug: o.name for o in uow.organisations.all()}
    by_key: dict[str, Recognised] = {}
    hidden: set[str] = set()
    for nomination in approved:
        key = nomination.nominee_key
        if key in by_key or key in hidden:
            continue
        if nomination.nominee_member_id is None:
            slug = nomination.nominee_org or ""
            by_key[key] = Recognised(
                nominee_key=key, name=org_names.get(slug, slug), is_organisation=True
            )
            continue
        member = uow.members.get(nomination.nominee_member_id)
        if member is None:
            continue
        organisation = uow.members.organisation_on(member.id, decided)
        by_key[key] = Recognised(
            nominee_key=key,
            name=member.name,
            organisation=org_names.get(organisation, organisation) if organisation else None,
            slack_user=member.identity(IdentityKind.SLACK),
            discourse_username=member.identity(IdentityKind.DISCOURSE),
        )
        if not member.show_publicly:
            hidden.add(key)
    return by_key, hidden


def _by_track(
    settings: DistinguishedConfig,
    approved: Sequence[ApprovedNomination],
    by_key: Mapping[str, Recognised],
    hidden: set[str],
) -> tuple[tuple[TrackAnnouncement, ...], int]:
    """The named nominees of each track (in the configuration's order, by name), and
    how many recognitions stay unnamed."""
    by_track: dict[str, list[Recognised]] = {}
    unnamed = 0
    for nomination in approved:
        found = by_key.get(nomination.nominee_key)
        if found is None or nomination.track not in settings.tracks:
            continue
        if nomination.nominee_key in hidden:
            unnamed += 1
            continue
        by_track.setdefault(nomination.track, []).append(found)
    tracks = tuple(
        TrackAnnouncement(
            key,
            track.name,
            tuple(sorted(by_track[key], key=lambda r: r.name.casefold())),
        )
        for key, track in settings.tracks.items()
        if by_track.get(key)
    )
    return tracks, unnamed


def enqueue_announcements(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    cycle: int,
    approved: Sequence[ApprovedNomination],
    now: datetime,
) -> list[str]:
    """Queue the announcement (Slack post, forum topic) and the badges of ``approved``.

    Returns the outbox keys (those already queued by an earlier run included: the
    outbox writes nothing twice). Nothing is queued when ``approved`` is empty.
    """
    if not approved:
        return []
    announcement, recognised = build_announcement(uow, config, cycle, approved)
    settings = config.distinguished
    keys: list[str] = []

    channel = settings.announcements_channel or config.slack.shoutout_channel
    if channel:
        key = SLACK_KEY.format(cycle=cycle)
        uow.outbox.enqueue(key, "slack", "post", channel, announcement_message(announcement), now)
        keys.append(key)

    external_id: str | None = None
    category = settings.discourse_category_id or config.discourse.shoutout_category_id
    if category:
        external_id = topic_external_id(cycle)
        key = DISCOURSE_KEY.format(cycle=cycle)
        payload = {
            "title": announcement_title(announcement),
            "raw": announcement_markdown(announcement),
            "external_id": external_id,
        }
        uow.outbox.enqueue(key, "discourse", "topic", str(category), payload, now)
        keys.append(key)

    for nomination in approved:
        person = recognised.get(nomination.nominee_key)
        track = settings.tracks.get(nomination.track)
        if person is None or track is None or not person.discourse_username:
            continue
        key = BADGE_KEY.format(track=nomination.track, nominee_key=nomination.nominee_key)
        if key in keys:
            continue
        grant = BadgeGrant(
            username=person.discourse_username,
            track=nomination.track,
            name=track.name,
            description=badge_description(config, nomination.track),
            badge_type_id=track.badge_type,
            # The worker turns this into the topic's own address once it exists.
            reason=f"/t/external_id/{external_id}" if external_id else "",
            topic_external_id=external_id,
        )
        uow.outbox.enqueue(key, "discourse", "badge", grant.username, badge_payload(grant), now)
        keys.append(key)
    return keys


def badge_payload(grant: BadgeGrant) -> dict[str, object]:
    """The outbox payload of a ``badge`` message."""
    return {
        "track": grant.track,
        "name": grant.name,
        "description": grant.description,
        "badge_type_id": grant.badge_type_id,
        "reason": grant.reason,
        "topic_external_id": grant.topic_external_id,
    }
