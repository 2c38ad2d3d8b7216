"""People in control of their record: their public listing, revoking a credit, and
joining (or separating again) two records of one person. Every change is audited.

These use cases take a unit of work and never commit; Slack (``/credit``) and the CLI
(``creditbot member ...``, ``creditbot credit revoke``) call the same ones.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput, NotAllowed, NotFound
from bot.messages.escaping import discourse_markdown_text, slack_text
from bot.messages.inactivity import your_choices
from bot.messages.words import plural
from bot.services.people.notices import drop_from_notice
from bot.services.people.private import tell_privately
from scoring.models import Credit, IdentityKind, Member, MonthlyReport
from scoring.shoutout import Correction
from storage.uow import UnitOfWork

HIDE, SHOW, REVOKE, MERGE, UNMERGE = "hide", "show", "revoke", "merge", "unmerge"
EXPORT, FORGET = "export", "forget"
REVOKED_TITLE = "One of your credits was withdrawn"


def set_listing(uow: UnitOfWork, member: Member, shown: bool, by: str, now: datetime) -> bool:
    """Name the member in public again (``shown``) or no longer; False if already so.

    Their credits count either way: only the name is left out of shout-outs, pages,
    ``/api``, the static export and public reports.
    """
    if member.show_publicly == shown:
        return False
    if shown and uow.people.erased_at(member.id) is not None:
        raise InvalidInput(
            f"member {member.id} was erased at their request: an erased member is counted, "
            "never named again. Nothing was changed"
        )
    uow.members.set_flags(member.id, show_publicly=shown)
    uow.people.audit(SHOW if shown else HIDE, member.id, by, now)  # set_flags bumped the pages
    return True


def revoke_credit(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    credit_id: int,
    reason: str,
    by: str,
    now: datetime,
) -> tuple[Credit, str | None]:
    """Withdraw one credit (kept on record, audited) and tell its member privately.

    Returns the withdrawn credit and the outbox key of the member's message: a Slack DM,
    else a forum private message (None when the bot can reach them on neither). Raises
    with why and how: an unknown id, a credit already withdrawn, a missing reason, or a
    team lead revoking their own credit.
    """
    reason = " ".join(reason.split())
    if not reason:
        raise InvalidInput("say why the credit is revoked (the member is told); nothing changed")
    credit = uow.credits.get(credit_id)
    if credit is None:
        raise NotFound(
            f"there is no credit {credit_id}; the ids are shown in `/credit me`, the App Home "
            "and `creditbot member info`. Nothing was changed"
        )
    member = uow.members.get(credit.member_id)
    assert member is not None
    if by.startswith(("U", "W")) and member.identity(IdentityKind.SLACK) == by:
        raise NotAllowed(
            f"credit {credit_id} is your own: ask another team lead to revoke it. "
            "Nothing was changed."
        )
    if credit.withdrawn:
        when = credit.withdrawn_at.date().isoformat() if credit.withdrawn_at else "earlier"
        raise InvalidInput(f"credit {credit_id} was already withdrawn ({when}); nothing changed")
    withdrawn = uow.credits.withdraw(credit.source, credit.source_ref, now, by, reason)
    assert withdrawn is not None
    drop_from_notice(uow, config, withdrawn)  # a notice still waiting never announces it
    uow.people.audit(REVOKE, member.id, by, now, details={"credit": credit_id})
    if uow.people.erased_at(member.id) is not None:
        return withdrawn, None
    return withdrawn, _tell_revoked(uow, config, member, credit, reason, now)


def _tell_revoked(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    member: Member,
    credit: Credit,
    reason: str,
    now: datetime,
) -> str | None:
    """The member's private message (a Slack DM, else a forum message); its key."""
    key = f"revoked:{credit.id}"
    what = (
        f"{plural(credit.points, 'point')} ({credit.type}) of "
        f"{credit.occurred_at.date().isoformat()} (credit {credit.id})"
    )
    text = (
        f"A team lead withdrew one of your credits: {what}. Reason: {slack_text(reason)}. "
        "If you think this is a mistake, reply to a team lead."
    )
    raw = (
        f"A team lead withdrew one of your credits: {what}. "
        f"Reason: {discourse_markdown_text(reason)}.\n\n"
        "If you think this is a mistake, reply to this message. " + your_choices(config)
    )
    return tell_privately(uow, key, member, text, (REVOKED_TITLE, raw), now)


def merge_members(uow: UnitOfWork, keep: Member, gone: Member, by: str, now: datetime) -> int:
    """Join two records of one person: ``gone``'s credits, identities, affiliations,
    activity, suggestions and nudges move to ``keep``. Returns the audit id (undo it
    with :func:`unmerge_member`).
    """
    if keep.id == gone.id:
        raise InvalidInput(
            f"'{keep.name}' (member {keep.id}) is the same record twice: name two different "
            "members. Nothing was changed"
        )
    mine, theirs = keep.identity(IdentityKind.SLACK), gone.identity(IdentityKind.SLACK)
    if mine and theirs and mine != theirs:
        raise InvalidInput(
            f"members {keep.id} and {gone.id} have different Slack accounts ({mine}, {theirs}): "
            "two Slack accounts are two people here. Nothing was changed"
        )
    if gone.is_bot != keep.is_bot:
        raise InvalidInput("a bot and a person cannot be merged; nothing was changed")
    for record in (keep, gone):
        if uow.people.erased_at(record.id) is not None:
            raise InvalidInput(
                f"member {record.id} was erased at their request: its anonymous credits "
                "join no one, and no one joins it. Nothing was changed"
            )
    moved = uow.people.merge(keep.id, gone.id)
    audit = uow.people.audit(MERGE, keep.id, by, now, other_member_id=gone.id, details=moved)
    return audit  # the merge refreshed both people's monthly figures and the pages


def unmerge_member(uow: UnitOfWork, keep: Member, by: str, now: datetime) -> int:
    """Undo the latest merge into ``keep`` from its audit record; the other member's id."""
    merges = [a for a in uow.people.audits(keep.id, MERGE) if a.undone_at is None]
    if not merges:
        raise NotFound(
            f"no merge into {keep.name} (member {keep.id}) to undo; `creditbot member merge A B` "
            "records one"
        )
    if uow.people.erased_at(keep.id) is not None:
        raise InvalidInput(
            f"member {keep.id} was erased at their request: undoing a merge would give "
            "their anonymous credits a name again. Nothing was changed"
        )
    later = uow.people.merged_into(keep.id)
    if later is not None and later.member_id is not None:
        raise InvalidInput(
            f"member {keep.id} was merged into member {later.member_id} afterwards, so what "
            f"its merge moved is there now: undo that first (`creditbot member unmerge "
            f"{later.member_id}`). Nothing was changed"
        )
    last = merges[-1]
    assert last.other_member_id is not None
    if not uow.people.mark_undone(last.id, now):
        raise InvalidInput("that merge was just undone by someone else; nothing changed")
    uow.people.unmerge(keep.id, last.other_member_id, last.details)
    uow.people.restore_first_seen(keep.id, (last.details.get("first_seen") or {}).get("keep"))
    uow.people.audit(UNMERGE, keep.id, by, now, other_member_id=last.other_member_id)
    return last.other_member_id


def corrections_without_hidden(
    uow: UnitOfWork, corrections: Sequence[Correction]
) -> tuple[Correction, ...]:
    """Corrections for the public: a hidden member's change is left out by name (the
    organisations' changes stay; they come from every credit)."""
    ids = [int(c.key) for corr in corrections for c in corr.members if c.key.isdigit()]
    shown = uow.public.shown_publicly(ids)
    return tuple(
        replace(
            corr,
            members=tuple(
                c for c in corr.members if not (c.key.isdigit() and not shown.get(int(c.key), True))
            ),
        )
        for corr in corrections
    )


def without_hidden_members(uow: UnitOfWork, report: MonthlyReport) -> MonthlyReport:
    """The report for the public: members who chose not to be shown are left out by
    name (organisations' totals are unchanged: they come from every credit)."""
    shown = uow.public.shown_publicly([m.member_id for m in report.members])
    return replace(report, members=tuple(m for m in report.members if shown.get(m.member_id, True)))
