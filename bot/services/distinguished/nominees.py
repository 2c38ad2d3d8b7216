"""What a nomination must be, checked before it is stored: a nominee the track takes
(a Slack user who is a member, or an organisation by slug), a justification, a few
evidence links, a cycle open for nominations with a panel to send them to; and whether
a voter is the nominee (or one of its contacts). Refusals are
:class:`~bot.errors.InvalidInput` with one line fit for a private Slack reply.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.services.distinguished.common import window_message
from scoring.distinguished import Cycle, Track, cycle_for, local_day
from scoring.models import Identity, IdentityKind
from scoring.records import Nomination
from storage.repositories.distinguished import member_key, org_key
from storage.uow import UnitOfWork

MAX_LINKS = 20
MAX_JUSTIFICATION = 3000
_SLACK_USER = re.compile(r"^<?@?([UW][A-Z0-9]{2,})(?:\|[^>]*)?>?$")


def clean_links(links: Sequence[str]) -> list[str]:
    seen: list[str] = []
    for link in links:
        text = link.strip().strip("<>")
        if text and text not in seen:
            seen.append(text)
    if len(seen) > MAX_LINKS:
        raise InvalidInput(f"Please give at most {MAX_LINKS} evidence links.")
    return seen


def member_nominee(uow: UnitOfWork, track: Track, nominee: str) -> tuple[str, int, str]:
    match = _SLACK_USER.match(nominee.strip())
    if match is None:
        raise InvalidInput(
            f"Name the person you nominate for {track.name} as @someone (a Slack user)."
        )
    user = match.group(1)
    member = uow.members.find(Identity(IdentityKind.SLACK, user))
    if member is None:
        raise InvalidInput(
            f"I don't know <@{user}> yet: they can be nominated once they have been active here."
        )
    if member.is_bot:
        raise InvalidInput("Bots cannot be nominated.")
    return member_key(member.id), member.id, member.name


def organisation_nominee(uow: UnitOfWork, track: Track, nominee: str) -> tuple[str, str, str]:
    slug = nominee.strip().lower()
    if not slug or _SLACK_USER.match(nominee.strip()):
        raise InvalidInput(
            f"{track.name} is for organisations: name one by its slug (for example acme)."
        )
    org = uow.organisations.get(slug)
    if org is None:
        raise InvalidInput(f"There is no organisation '{slug}'; name one by its slug.")
    return org_key(org.slug), org.slug, org.name


def justification_text(chosen: Track, justification: str) -> str:
    text = justification.strip()
    if not text:
        raise InvalidInput(
            f"Please say why they deserve {chosen.name}: the justification cannot be empty."
        )
    if len(text) > MAX_JUSTIFICATION:
        raise InvalidInput(
            f"Please keep the justification under {MAX_JUSTIFICATION} characters "
            "(link to longer evidence instead)."
        )
    return text


def cycle_open_for_nominations(config: ProgrammeConfig, now: datetime) -> tuple[Cycle, str]:
    """The cycle of ``now`` and the review panel's channel, when the cycle takes
    nominations and they have a panel to go to."""
    day = local_day(now, config.tz)
    cycle = cycle_for(day, config.distinguished.rules)
    if not cycle.accepts_nominations(day):
        raise InvalidInput(window_message(config, now))
    review_channel = config.distinguished.review_channel
    if not review_channel:
        raise InvalidInput(
            "Nominations are not set up yet: distinguished.review_channel is missing "
            "from creditbot.yml."
        )
    return cycle, review_channel


def own_nomination(
    uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination, voter: str
) -> bool:
    if nomination.nominee_member_id is not None:
        member = uow.members.get(nomination.nominee_member_id)
        return member is not None and any(
            i.kind == IdentityKind.SLACK and i.value == voter for i in member.identities
        )
    if nomination.nominee_org is not None:
        contacts = set(
            next(
                (o.contacts for o in config.organisations if o.slug == nomination.nominee_org),
                [],
            )
        )
        org = uow.organisations.get(nomination.nominee_org)
        if org is not None:
            contacts.update(org.contacts)
        return voter in contacts
    return False
