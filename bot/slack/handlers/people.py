"""Slack users read with ``users.info``, as the ledger's :class:`SlackProfile`.

Which profiles must be (re)read, and how a profile makes or refreshes a member, is
the ledger's (:mod:`bot.services.ledger.slack_people`); this adapter reads them,
*before* the write transaction opens, so no database lock is held while Slack answers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping
from datetime import datetime
from typing import Any, Protocol

from bot.errors import ExternalServiceError
from bot.runtime import Runtime
from bot.services.ledger.slack_people import (
    SLACKBOT,
    SlackProfile,
    profiles_to_read,
    slack_member,
)
from bot.services.transactions import in_transaction
from scoring.email_address import is_email_address
from storage.uow import UnitOfWork

log = logging.getLogger("creditbot.slack")


class ProfileSource(Protocol):
    def user_info(self, user_id: str) -> dict[str, Any]: ...


def profile_from_user(user: Mapping[str, Any]) -> SlackProfile:
    """A ``users.info`` user object, as the ledger takes it."""
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
    return SlackProfile(
        user_id=user_id,
        name=str(name).strip() or user_id,
        email=_profile_email(user_id, profile.get("email")),
        is_bot=bool(user.get("is_bot") or user.get("is_workflow_bot")) or user_id == SLACKBOT,
        deleted=bool(user.get("deleted")),
    )


def _profile_email(user_id: str, given: Any) -> str | None:
    """A profile's e-mail address; one that is not an address is left out, with a log
    line (which does not show it)."""
    email = str(given).strip().lower() if given else ""
    if email and not is_email_address(email):
        log.warning("Slack user %s: ignored an e-mail address that is not one", user_id)
        return None
    return email or None


def read_profiles(source: ProfileSource, user_ids: Iterable[str]) -> dict[str, SlackProfile]:
    """``users.info`` for each user (in the order given)."""
    return {u: profile_from_user(source.user_info(u)) for u in dict.fromkeys(user_ids)}


def known_profiles(source: ProfileSource, user_ids: Iterable[str]) -> dict[str, SlackProfile]:
    """``users.info`` for each of these users. A user Slack does not know
    (``user_not_found``: another workspace's user in a shared channel, say) is left
    out; Slack being unavailable is raised."""
    profiles: dict[str, SlackProfile] = {}
    for user_id in user_ids:
        try:
            profiles[user_id] = profile_from_user(source.user_info(user_id))
        except ExternalServiceError as error:
            if error.transient:
                raise
            log.warning("no Slack profile for %s: %s", user_id, error.detail)
    return profiles


def fresh_profiles(
    runtime: Runtime, source: ProfileSource, user_ids: Iterable[str], now: datetime
) -> dict[str, SlackProfile]:
    """The profiles that must be (re)read for these users, read now (see
    :func:`known_profiles`)."""
    return known_profiles(source, profiles_to_read(runtime, user_ids, now))


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
