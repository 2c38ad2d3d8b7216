"""A manager naming a member in public again (``creditbot member show M``).

If the member had hidden themselves (``/credit hide me``), they are told privately that
they are listed again and how to hide: a Slack DM, or a forum private message when the
bot can reach them only on the forum (both through the outbox). A member a manager had
hidden is not messaged: the change undoes the manager's own.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from bot.config import ProgrammeConfig
from bot.services.people.accounts import HIDE, set_listing
from bot.services.people.private import tell_privately
from scoring.models import IdentityKind, Member
from storage.uow import UnitOfWork

SLACK_NOTE = (
    "A programme manager listed you in public again: your name appears in shout-outs and "
    "on the public pages. `/credit hide me` leaves it out again (your points count either way)."
)
FORUM_TITLE = "Your name is listed in public again"


@dataclass(frozen=True)
class ShownAgain:
    """What ``member show`` changed: whether the member was hidden, since when and by
    whom (``by_member``), and the outbox key of the message telling them (if any)."""

    changed: bool
    hidden_at: datetime | None = None
    by_member: bool = False
    told: str | None = None

    def summary(self, member_id: int) -> str:
        """``member 12: shown in public again (hidden since 2026-11-03, by the member)``."""
        if not self.changed:
            return f"member {member_id}: already shown in public"
        since = self.hidden_at.date().isoformat() if self.hidden_at else "an unknown date"
        by = "the member" if self.by_member else "a manager"
        told = "; they are told privately" if self.told else ""
        return f"member {member_id}: shown in public again (hidden since {since}, by {by}){told}"


def show_again(
    uow: UnitOfWork, config: ProgrammeConfig, member: Member, by: str, now: datetime
) -> ShownAgain:
    """Name ``member`` in public again; tell them if they had hidden themselves."""
    hides = uow.people.audits(member.id, HIDE)
    last = hides[-1] if hides else None
    if not set_listing(uow, member, True, by, now):
        return ShownAgain(changed=False)
    by_member = last is not None and last.by is not None and _is_the_member(member, last.by)
    told = _tell(uow, config, member, now) if by_member else None
    return ShownAgain(True, last.at if last else None, by_member, told)


def _is_the_member(member: Member, by: str) -> bool:
    """Whether an audit's ``by`` is the member themselves (``/credit hide me`` records
    their Slack id)."""
    return by == member.identity(IdentityKind.SLACK)


def _tell(uow: UnitOfWork, config: ProgrammeConfig, member: Member, now: datetime) -> str | None:
    key = f"listed-again:{member.id}:{now.isoformat()}"
    raw = (
        "A programme manager listed you in public again: your name appears in shout-outs "
        "and on the public pages (your points count either way).\n\n" + _how_to_hide(config)
    )
    return tell_privately(uow, key, member, SLACK_NOTE, (FORUM_TITLE, raw), now)


def _how_to_hide(config: ProgrammeConfig) -> str:
    url = config.inactivity.privacy_url
    if url:
        return f"To be left out of public listings again, say so at {url}."
    return "To be left out of public listings again, reply to this message."
