"""Members from Slack users: a profile as ``users.info`` described it makes or refreshes
the member; bots, the app and deleted users never earn credit.

The first time a user appears, their profile (name, e-mail with ``users:read.email``)
creates the member and affiliates them by e-mail domain (see
:func:`bot.services.ledger.members.ensure_member`); after ``slack.profile_refresh_days``
the profile is read again (:func:`profiles_to_read`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.config import ProgrammeConfig
from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind, Member
from storage.uow import UnitOfWork

SLACKBOT = "USLACKBOT"


@dataclass(frozen=True)
class SlackProfile:
    """What ``users.info`` says about one user."""

    user_id: str
    name: str
    email: str | None = None
    is_bot: bool = False
    deleted: bool = False

    @property
    def may_earn_credit(self) -> bool:
        return not (self.is_bot or self.deleted)


def profiles_to_read(
    runtime: Runtime, user_ids: Iterable[str], now: datetime, *, force: bool = False
) -> list[str]:
    """Which of these users have no member yet, or a profile older than the refresh period."""
    wanted = list(dict.fromkeys(u for u in user_ids if u))
    if force:
        return wanted
    stale_before = now - timedelta(days=runtime.config.slack.profile_refresh_days)
    with runtime.reader() as uow:
        refreshed = uow.members.profiles_refreshed(IdentityKind.SLACK, wanted)
    return [
        user_id for user_id in wanted if (at := refreshed.get(user_id)) is None or at < stale_before
    ]


def slack_member(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    user_id: str,
    profiles: Mapping[str, SlackProfile],
    now: datetime,
) -> Member | None:
    """The member of a Slack user: created or refreshed from a profile just read, or as
    stored (None if unknown and no profile was read)."""
    profile = profiles.get(user_id)
    if profile is None:
        return uow.members.find(Identity(IdentityKind.SLACK, user_id))
    identities = [Identity(IdentityKind.SLACK, user_id)]
    if profile.email and not profile.is_bot:
        identities.append(Identity(IdentityKind.EMAIL, profile.email))
    member, created = ensure_member(
        uow, config, identities, profile.name, now, is_bot=profile.is_bot
    )
    if not created and member.name != profile.name:
        uow.members.rename(member.id, profile.name)
    if member.is_bot != profile.is_bot:  # a change the public pages show
        uow.members.set_flags(member.id, is_bot=profile.is_bot, profile_refreshed_at=now)
    else:  # only the time of reading: no public page changes
        uow.members.profile_read(member.id, now)
    # As stored now, without reading it again.
    return replace(member, name=member.name if created else profile.name, is_bot=profile.is_bot)


def may_earn(member: Member | None, profile: SlackProfile | None, bot_user_id: str | None) -> bool:
    """Whether this person can be credited: not a bot, not the app, not deleted."""
    if member is None or member.is_bot:
        return False
    slack_id = member.identity(IdentityKind.SLACK)
    if slack_id is not None and slack_id in (SLACKBOT, bot_user_id):
        return False
    return profile is None or profile.may_earn_credit


def earning_members(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    user_ids: Iterable[str],
    profiles: Mapping[str, SlackProfile],
    now: datetime,
    bot_user_id: str | None,
) -> dict[str, Member]:
    """The members of these Slack users, in order, made or refreshed from the profiles
    just read (see :func:`slack_member`); only those who may earn credit are returned."""
    found: dict[str, Member] = {}
    for user_id in user_ids:
        member = slack_member(uow, config, user_id, profiles, now)
        if may_earn(member, profiles.get(user_id), bot_user_id):
            assert member is not None
            found[user_id] = member
    return found
