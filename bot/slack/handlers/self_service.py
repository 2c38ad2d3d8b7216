"""``/credit`` for a person's own record (hide, show, quiet credits, export, forget) and
a team lead's ``/credit revoke``: Slack's side of :mod:`bot.services.people`.

Each answer is the private reply to show; a refusal says why and how, and changes
nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol, runtime_checkable

from bot.errors import CreditbotError
from bot.messages.escaping import slack_text
from bot.messages.words import plural
from bot.ports import SlackReader
from bot.runtime import Runtime
from bot.services.forgetting import forget_person
from bot.services.people.accounts import EXPORT, revoke_credit, set_listing
from bot.services.people.erasure import purge_spool
from bot.services.people.export import export_filename, export_json, export_member
from bot.services.transactions import in_transaction
from bot.slack.handlers.people import change_own_record
from scoring.commands import CreditNoticesRequest, RevokeRequest, SelfServiceRequest
from scoring.models import Identity, IdentityKind, Member
from storage.uow import UnitOfWork

NO_ONE_TO_TELL = "They have no Slack or forum account to tell."
BY_THEMSELVES = "the member themselves"
# Someone the bot never recorded: each answer says what is true for them, stores nothing.
NOTHING_LISTED = (
    "I hold nothing about you, so nothing is listed about you anywhere: there is nothing to "
    "hide. If you are credited one day, `/credit hide me` keeps your name out of public listings."
)
NOTHING_TO_SHOW = (
    "I hold nothing about you yet, so nothing is listed about you. If you are credited one "
    "day, your name is shown in shout-outs and on the public pages unless you write "
    "`/credit hide me`."
)
NOTHING_HELD = "creditbot holds nothing about you, so there is no file to send."
NOTHING_TO_ERASE = "creditbot holds nothing about you, so there is nothing to erase."


@runtime_checkable
class FileSender(Protocol):
    """A gateway that can send a file by DM (``bot.slack.gateway.WebClientSlackGateway``)."""

    def send_file_dm(self, user: str, filename: str, content: str, comment: str) -> str: ...


EXPORT_COMMENT = (
    "Everything I hold about you, as you asked (`/credit export me`). "
    "`/credit forget me` erases it; `/credit hide me` keeps your name out of public listings."
)


@dataclass
class SelfService:
    """The use cases behind ``/credit hide|show|export|forget me``, ``quiet credits``
    and ``revoke``."""

    runtime: Runtime
    slack: SlackReader
    deliver: Callable[[Sequence[str]], None] | None = None
    after_erasure: Callable[[], object] | None = None

    def now(self) -> datetime:
        return self.runtime.now()

    def known(self, invoker: str) -> Member | None:
        with self.runtime.reader() as uow:
            return uow.members.find(Identity(IdentityKind.SLACK, invoker))

    def listing(self, invoker: str, request: SelfServiceRequest) -> str:
        """``/credit hide me`` / ``/credit show me``."""
        shown = request.action == "show"
        now = self.now()

        def write(uow: UnitOfWork) -> bool | None:
            member = uow.members.find(Identity(IdentityKind.SLACK, invoker))
            if member is None:
                return None
            return set_listing(uow, member, shown, invoker, now)

        changed = in_transaction(self.runtime, write)
        if changed is None:
            return NOTHING_TO_SHOW if shown else NOTHING_LISTED
        if shown:
            state = "Done" if changed else "You were already shown"
            return (
                f"{state}: your name appears in shout-outs and on the public pages again. "
                "`/credit hide me` leaves it out."
            )
        state = "Done" if changed else "You were already hidden"
        return (
            f"{state}: your name is left out of shout-outs, public pages and reports; your "
            "points still count for you and your organisation. `/credit show me` undoes it."
        )

    def export(self, invoker: str) -> str:
        """``/credit export me``: the member's data as a JSON file, by DM."""
        now = self.now()
        with self.runtime.reader() as uow:
            member = uow.members.find(Identity(IdentityKind.SLACK, invoker))
            if member is None:
                return NOTHING_HELD
            if not isinstance(self.slack, FileSender):
                return "I cannot send files from here; ask a programme manager for your export."
            document = export_member(uow, member, now)
        self.slack.send_file_dm(
            invoker, export_filename(member, now), export_json(document), EXPORT_COMMENT
        )

        def write(uow: UnitOfWork) -> None:
            uow.people.audit(EXPORT, member.id, invoker, now)

        in_transaction(self.runtime, write)
        return "I sent you a direct message with a file of everything I hold about you."

    def forget(self, invoker: str) -> str:
        """Erase the member who confirmed ``/credit forget me``."""
        now = self.now()
        member = self.known(invoker)
        if member is None:
            return NOTHING_TO_ERASE
        config = self.runtime.config

        def write(uow: UnitOfWork) -> list[str]:
            found = uow.members.get(member.id)
            return [] if found is None else forget_person(uow, config, found, BY_THEMSELVES, now)

        keys = in_transaction(self.runtime, write)
        purge_spool(self.runtime.settings.database_url, member)
        if self.after_erasure is not None:
            self.after_erasure()
        if keys and self.deliver is not None:
            self.deliver(keys)
        return (
            "Done: I erased your name, accounts, organisation history and activity. Your "
            "points stay in the totals as those of a former member; published shout-outs "
            "now say so."
        )

    def credit_notices(self, invoker: str, request: CreditNoticesRequest) -> str:
        """``/credit quiet credits`` / ``/credit unquiet credits``."""

        def change(uow: UnitOfWork, member_id: int) -> None:
            uow.people.set_notices_off(member_id, request.quiet)

        if not change_own_record(self.runtime, self.slack, invoker, self.now(), change):
            return "I do not know you yet; say hello in a channel first."
        if request.quiet:
            return (
                "Done: I will not message you each time you are credited. "
                "`/credit unquiet credits` turns these messages back on."
            )
        return "Done: I will message you when you are credited. `/credit quiet credits` stops it."

    def revoke(self, invoker: str, request: RevokeRequest) -> str:
        """``/credit revoke <id> <reason>`` (team leads; checked again here)."""
        config = self.runtime.config
        if not config.is_team_lead(invoker):
            return "Only team leads can revoke credits; nothing was changed."
        now = self.now()

        def write(uow: UnitOfWork) -> tuple[str, str | None]:
            credit, key = revoke_credit(
                uow, config, request.credit_id, request.reason, invoker, now
            )
            member = uow.members.get(credit.member_id)
            who = _who(member)
            return (
                f"Revoked credit {credit.id}: {plural(credit.points, 'point')} "
                f"({credit.type}) of {who} on "
                f"{credit.occurred_at.date().isoformat()}. Reason: {slack_text(request.reason)}. "
                + (
                    "They are told privately."
                    if key
                    else "They have no Slack or forum account to tell."
                ),
                key,
            )

        try:
            reply, key = in_transaction(self.runtime, write)
        except CreditbotError as error:
            text = str(error).rstrip(".")
            return f"Nothing was revoked: {text[0].lower()}{text[1:]}."
        if key and self.deliver is not None:
            self.deliver([key])
        return reply


def _who(member: Member | None) -> str:
    if member is None:
        return "a member"
    slack_id = member.identity(IdentityKind.SLACK)
    return f"<@{slack_id}>" if slack_id else member.name
