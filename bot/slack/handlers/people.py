"""Members from Slack: profiles read with ``users.info``, kept fresh, never for bots.

The first time a user appears, their profile (name, e-mail with ``users:read.email``)
creates the member and affiliates them by e-mail domain (see
:func:`bot.services.ledger.members.ensure_member`); after ``slack.profile_refresh_days``
the profile is read again. Profiles are read *before* the write transaction opens,
so no database lock is held while Slack answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any, Protocol

from bot.config import ProgrammeConfig
from bot.errors import ExternalServiceError
from bot.runtime import Runtime
from bot.services.ledger.members import ensure_member
from bot.slack.handlers.inbox import in_transaction
from scoring.email_address import is_email_address
from scoring.models import Identity, IdentityKind, Member
from storage.uow import UnitOfWork

SLACKBOT = "USLACKBOT"

log = logging.getLogger("creditbot.slack")


class ProfileSource(Protocol):
    def user_info(self, user_id: str) -> dict[str, Any]: ...


@dataclass(frozen=True)
class SlackProfile:
    """What ``users.info`` says about one user."""

    user_id: str
    name: str
    email: str | None = None
    is_bot: bool = False
    deleted: bool = False

    @classmethod
    def from_user(cls, user: Mapping[str, Any]) -> SlackProfile:
        profile = user.get("profile")
        if not isinstance(profile, Mapping):  # always an object from Slack; anything else: none
            profile = {}
        user_id = str(user.get("id", ""))
        name = (
            profile.get("real_name")
            or user.get("real_name")
            or profile.get("display_name")
            or user.get("name")
            or user_id
        )
        return cls(
            user_id=user_id,
            name=str(name).strip() or user_id,
            email=_profile_email(user_id, profile.get("email")),
            is_bot=bool(user.get("is_bot") or user.get("is_workflow_bot")) or user_id == SLACKBOT,
            deleted=bool(user.get("deleted")),
        )

    @property
    def may_earn_credit(self) -> bool:
        return not (self.is_bot or self.deleted)


def _profile_email(user_id: str, given: Any) -> str | None:
    """A profile's e-mail address; one that is not an address is left out, with a log
    line (which does not show it)."""
    email = str(given).strip().lower() if given else ""
    if email and not is_email_address(email):
        log.warning("Slack user %s: ignored an e-mail address that is not one", user_id)
        return None
    return email or None


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


def read_profiles(source: ProfileSource, user_ids: Iterable[str]) -> dict[str, SlackProfile]:
    """``users.info`` for each user (in the order given)."""
    return {u: SlackProfile.from_user(source.user_info(u)) for u in dict.fromkeys(user_ids)}


def fresh_profiles(
    runtime: Runtime, source: ProfileSource, user_ids: Iterable[str], now: datetime
) -> dict[str, SlackProfile]:
    """The profiles that must be (re)read for these users, read now.

    A user Slack does not know (``user_not_found``: another workspace's user in a shared
    channel, say) is left out; Slack being unavailable is raised.
    """
    profiles: dict[str, SlackProfile] = {}
    for user_id in profiles_to_read(runtime, user_ids, now):
        try:
            profiles[user_id] = SlackProfile.from_user(source.user_info(user_id))
        except ExternalServiceError as error:
            if error.transient:
                raise
            log.warning("no Slack profile for %s: %s", user_id, error.detail)
    return profiles


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
    uow.members.set_flags(member.id, is_bot=profile.is_bot, profile_refreshed_at=now)
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


def change_own_record(
    runtime: Runtime,
    source: ProfileSource,
    invoker: str,
    now: datetime,
    change: Callable[[UnitOfWork, int], None],
) -> bool:
    """``change`` the invoker's own record (by member id) in one transaction, the member
    made from a fresh profile if new; False, changing nothing, when Slack says the
    invoker is not a person who can be a member."""
    profiles = fresh_profiles(runtime, source, [invoker], now)

    def write(uow: UnitOfWork) -> bool:
        member = slack_member(uow, runtime.config, invoker, profiles, now)
        if member is None:
            return False
        change(uow, member.id)
        return True

    return in_transaction(runtime, write)
