"""``/credit``: understood by :mod:`scoring.commands`, carried out here.

A credit is all or nothing: every person named is checked (known to Slack, not a bot,
not deleted, not the team lead themselves) before anything is stored. Its time is
the time of the command; its reference is the command's ``trigger_id`` (or a digest of
the signed request) and the person, so handling one command twice credits once.

``/credit lead`` (programme managers) is ``creditbot lead add`` in Slack: the same use
case (:func:`bot.services.partners.leads.add_lead`), the same explanation in the private reply,
and the chosen partner's contacts told privately through the outbox, at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from bot.errors import CreditbotError, ExternalServiceError, NotAllowed
from bot.messages.escaping import slack_text
from bot.messages.slack.blocks import me_text
from bot.messages.words import plural
from bot.ports import SlackReader
from bot.runtime import Runtime
from bot.services.ledger.credits import record_credit
from bot.services.ledger.slack_people import SlackProfile, may_earn, slack_member
from bot.services.ledger.suggestions import SOURCE
from bot.services.partners.leads import LeadResult, add_lead, lead_request
from bot.services.people.notices import notify_credit
from bot.services.transactions import in_transaction
from bot.slack.handlers.home import credits_summary, organisation_text
from bot.slack.handlers.people import change_own_record, read_profiles
from bot.slack.handlers.self_service import SelfService
from bot.slack.handlers.standing import standing_reply
from scoring.commands import (
    CreditCommand,
    CreditNoticesRequest,
    CreditRequest,
    HelpRequest,
    LeadCommand,
    MeRequest,
    OrgRequest,
    QuietRequest,
    RevokeRequest,
    SelfServiceRequest,
    StandingRequest,
    parse_credit_command,
    usage,
)
from scoring.errors import NoPartnerForLead, ScoringError
from storage.uow import UnitOfWork

PEOPLE_COMMANDS = (SelfServiceRequest, CreditNoticesRequest, RevokeRequest)


class SlackCommands:
    """The use cases behind ``/credit``."""

    def __init__(
        self,
        runtime: Runtime,
        slack: SlackReader,
        deliver: Callable[[Sequence[str]], None] | None = None,
    ) -> None:
        self.runtime = runtime
        self.slack = slack
        self.deliver = deliver
        #: Run after an erasure (the HTTP app rebuilds the static exports with it).
        self.after_erasure: Callable[[], object] | None = None

    def usage(self) -> str:
        config = self.runtime.config
        return usage(list(config.contribution_types), config.slack.max_points)

    def parse(self, form: Mapping[str, Any]) -> CreditCommand:
        """The command in a slash-command form; :class:`CommandError` if it is wrong."""
        config = self.runtime.config
        invoker = str(form.get("user_id") or "")
        return parse_credit_command(
            str(form.get("text") or ""),
            invoker=invoker,
            is_team_lead=config.is_team_lead(invoker),
            type_names=list(config.contribution_types),
            max_points=config.slack.max_points,
            is_program_manager=config.is_program_manager(invoker),
        )

    def run(
        self,
        command: CreditCommand,
        form: Mapping[str, Any],
        bot_user_id: str | None,
        *,
        request_id: str = "",
    ) -> str:
        """Carry out a parsed command; the private reply to show (errors included).
        ``request_id`` names the request (its trigger_id, or a digest of the signed
        request): the same request credits once."""
        invoker = str(form.get("user_id") or "")
        try:
            if isinstance(command, HelpRequest):
                return self.usage()
            if isinstance(command, MeRequest):
                return self.me(invoker)
            if isinstance(command, OrgRequest):
                with self.runtime.reader() as uow:
                    return organisation_text(uow, self.runtime.config, command.slug, self.now())
            if isinstance(command, QuietRequest):
                return self.quiet(invoker, command.quiet)
            if isinstance(command, LeadCommand):
                return self.lead(command, invoker)
            if isinstance(command, StandingRequest):
                return standing_reply(self.runtime, invoker, self.now())
            if isinstance(command, PEOPLE_COMMANDS):
                return self.people(command, invoker)
            return self.credit(
                command, invoker, request_id or str(form.get("trigger_id") or ""), bot_user_id
            )
        except ExternalServiceError as error:
            if error.transient:
                return "Slack did not answer me in time, so nothing was stored. Please try again."
            return f"Nothing was stored: {error}."
        except (CreditbotError, ScoringError) as error:
            return str(error)

    def now(self) -> datetime:
        return self.runtime.now()

    def people(self, command: CreditCommand, invoker: str) -> str:
        """A person's own record, and a team lead's revoke (see :mod:`slack_self_service`)."""
        people = SelfService(self.runtime, self.slack, self.deliver)
        if isinstance(command, SelfServiceRequest) and command.action in ("hide", "show"):
            return people.listing(invoker, command)
        if isinstance(command, SelfServiceRequest) and command.action == "export":
            return people.export(invoker)
        if isinstance(command, CreditNoticesRequest):
            return people.credit_notices(invoker, command)
        if isinstance(command, RevokeRequest):
            return people.revoke(invoker, command)
        return "That is not ready yet; nothing was changed. Ask a programme manager."

    def holds_nothing_about(self, user: str) -> bool:
        """Whether no member has this Slack id (``/credit forget me`` has nothing to ask)."""
        return SelfService(self.runtime, self.slack, self.deliver).known(user) is None

    def forget(self, user: str) -> str:
        """The confirmed ``/credit forget me`` of ``user``."""
        people = SelfService(self.runtime, self.slack, self.deliver, self.after_erasure)
        return people.forget(user)

    def me(self, invoker: str) -> str:
        with self.runtime.reader() as uow:
            return me_text(credits_summary(uow, self.runtime.config, invoker, self.now()))

    def quiet(self, invoker: str, quiet: bool) -> str:
        def change(uow: UnitOfWork, member_id: int) -> None:
            uow.members.set_flags(member_id, nudges_opted_out=quiet)

        if not change_own_record(self.runtime, self.slack, invoker, self.now(), change):
            return "I do not know you yet; say hello in a channel first."
        if quiet:
            return "Done: I will not send you reminders. `/credit unquiet` turns them back on."
        return "Done: I may send you a friendly reminder now and then. `/credit quiet` stops them."

    def lead(self, command: LeadCommand, invoker: str) -> str:
        """Give a lead by rotation; the reply says to whom and why (or why nobody)."""
        config = self.runtime.config
        if not config.is_program_manager(invoker):
            return "Only programme managers can give leads with /credit lead; nothing was stored."
        request = lead_request(command.region, command.category, command.size)
        now = self.now()

        def write(uow: UnitOfWork) -> LeadResult:
            return add_lead(uow, config, request, now, note=command.note, by=invoker)

        try:
            result = in_transaction(self.runtime, write)
        except NoPartnerForLead as error:
            return f"No lead was stored: {error}."
        if result.outbox_keys and self.deliver is not None:
            self.deliver(result.outbox_keys)
        chosen = result.assignment.chosen
        size = f", size {request.size}" if request.size else ""
        lines = [
            f"Lead {result.lead.id}: *{request.category}* in *{request.region}*{size} "
            f"-> *{chosen.name}* ({chosen.slug}).",
            *result.explanation.splitlines(),
        ]
        if result.contacts:
            note = " and your note" if command.note else ""
            lines.append(
                f"{_join([f'<@{u}>' for u in result.contacts])} "
                f"{'get' if len(result.contacts) > 1 else 'gets'} a private message with the "
                f"lead{note}."
            )
        else:
            lines.append(
                f"{chosen.name} has no contacts in creditbot.yml, so nobody was told: "
                "tell them yourself."
            )
        return "\n".join(lines)

    def credit(
        self, request: CreditRequest, invoker: str, trigger_id: str, bot_user_id: str | None
    ) -> str:
        config = self.runtime.config
        now = self.now()
        if bot_user_id in request.users:
            return "I cannot credit myself. Name the people who did the work."
        profiles, refusal = self._earners(request.users)
        if refusal is not None:
            return refusal

        def write(uow: UnitOfWork) -> list[tuple[str, int]]:
            credited = []
            for user in request.users:
                member = slack_member(uow, config, user, profiles, now)
                if not may_earn(member, profiles[user], bot_user_id):
                    raise NotAllowed(f"Nothing was credited: <@{user}> cannot earn credit.")
                assert member is not None
                credit = record_credit(
                    uow,
                    config,
                    member,
                    request.type,
                    now,
                    SOURCE,
                    f"command:{trigger_id or now.isoformat()}:{user}",
                    now,
                    points=request.points,
                    granted_by=invoker,
                    note=request.note,
                )
                if credit is not None:
                    credited.append((user, credit.points))
                    notify_credit(
                        uow, config, credit, now, decided_by=invoker, link=request.note or None
                    )
            return credited

        credited = in_transaction(self.runtime, write)
        if not credited:
            return "This command was already carried out; nothing more was credited."
        people = _join([f"<@{u}>" for u, _ in credited])
        points = credited[0][1]
        each = " each" if len(credited) > 1 else ""
        note = f": {slack_text(request.note)}" if request.note else ""
        return f"Credited {people} with *{request.type}*, {plural(points, 'point')}{each}{note}"

    def _earners(self, users: Sequence[str]) -> tuple[dict[str, SlackProfile], str | None]:
        """Each person's Slack profile, always read now (a bot or a deactivated account
        never earns), or why nothing can be credited."""
        profiles: dict[str, SlackProfile] = {}
        unknown = []
        for user in users:
            try:
                profiles.update(read_profiles(self.slack, [user]))
            except ExternalServiceError as error:
                if error.transient:
                    raise
                unknown.append(f"<@{user}>")
        if unknown:
            return profiles, (
                f"Nothing was credited: I cannot find {_join(unknown)} in this workspace."
            )
        refusals = [
            f"<@{u}> is a bot" if profiles[u].is_bot else f"<@{u}> has left the workspace"
            for u in users
            if not profiles[u].may_earn_credit
        ]
        if refusals:
            return profiles, (
                f"Nothing was credited: {', '.join(refusals)}; bots and people who left "
                "never earn credit."
            )
        return profiles, None


def _join(items: list[str]) -> str:
    if len(items) <= 1:
        return "".join(items)
    return ", ".join(items[:-1]) + " and " + items[-1]
