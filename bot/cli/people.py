"""A manager handling people's requests: ``creditbot member hide|show|export|forget``,
``member merge|unmerge`` and ``creditbot credit revoke`` (the same use cases as
``/credit`` in Slack; ``member info`` is in :mod:`bot.cli.core`)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import open_runtime
from bot.cli.core import echo_member_record
from bot.cli.groups import credit, member
from bot.errors import InvalidInput
from bot.gateways import open_gateways
from bot.outbox.worker import deliver_due
from bot.runtime import Runtime
from bot.services.forgetting import forget_person
from bot.services.ledger.members import resolve_member
from bot.services.people.accounts import (
    EXPORT,
    merge_members,
    revoke_credit,
    set_listing,
    unmerge_member,
)
from bot.services.people.erasure import purge_spool
from bot.services.people.export import export_filename, export_json, export_member
from bot.services.people.listing import show_again
from scoring.bounds import record_id, shown

_MEMBER = Annotated[str, typer.Argument(help="Slack id, forum username, e-mail or id")]
BY = "cli"


def member_hide(reference: _MEMBER) -> None:
    """Leave a member's name out of shout-outs, pages, /api and reports (points still count)."""
    _listing(reference, shown=False)


def member_show(reference: _MEMBER) -> None:
    """Name a member in public again (told privately if they had hidden themselves),
    then print their record as `member info` does."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        who = resolve_member(uow, reference)
        result = show_again(uow, runtime.config, who, BY, runtime.now())
        uow.commit()
    typer.echo(result.summary(who.id))
    if result.told:
        send_now(runtime, [result.told])
    echo_member_record(runtime, str(who.id))


def _listing(reference: str, *, shown: bool) -> None:
    runtime = open_runtime()
    with runtime.uow() as uow:
        who = resolve_member(uow, reference)
        changed = set_listing(uow, who, shown, BY, runtime.now())
        uow.commit()
    state = "shown in public" if shown else "hidden from public listings"
    typer.echo(f"member {who.id}: {state}{'' if changed else ' (already)'}")


def member_export(
    reference: _MEMBER,
    out: Annotated[
        Path | None, typer.Option("--out", help="the file to write (default: a dated name here)")
    ] = None,
) -> None:
    """Write everything held about a member as a JSON file (what `/credit export me` sends)."""
    runtime = open_runtime()
    now = runtime.now()
    with runtime.uow() as uow:
        who = resolve_member(uow, reference)
        document = export_member(uow, who, now)
        target = out or Path(export_filename(who, now))
        try:  # the file first: an export that could not be written is not recorded as sent
            target.write_text(export_json(document), encoding="utf-8")
        except OSError as error:
            raise InvalidInput(f"{target}: cannot be written ({error.strerror})") from None
        uow.people.audit(EXPORT, who.id, BY, now)
        uow.commit()
    typer.echo(f"wrote {target} (member {who.id})")


def member_forget(reference: _MEMBER) -> None:
    """Erase a member who asked for it (credits kept, anonymised); logged without their data."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        who = resolve_member(uow, reference)
        keys = forget_person(uow, runtime.config, who, BY, runtime.now())
        uow.commit()
    purge_spool(runtime.settings.database_url, who)
    typer.echo(
        f"member {who.id} erased; {len(keys)} published message(s) to update to the "
        "anonymous wording"
    )
    from bot.web.site_builds import rebuild_sites  # jinja2 and the pages: only here

    rebuilt = rebuild_sites(runtime)
    for folder in rebuilt.folders:
        typer.echo(f"rebuilt the static export in {folder}")
    for folder in rebuilt.failed:
        typer.echo(f"could not rebuild the static export in {folder}: run `creditbot site build`")
    if keys:
        send_now(runtime, keys)


def member_merge(
    keep: Annotated[str, typer.Argument(help="the record to keep")],
    gone: Annotated[str, typer.Argument(help="the record whose data joins it")],
) -> None:
    """Join two records of one person (credits, identities, affiliations); audited."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        kept, other = resolve_member(uow, keep), resolve_member(uow, gone)
        audit = merge_members(uow, kept, other, BY, runtime.now())
        uow.commit()
    typer.echo(
        f"merged member {other.id} into member {kept.id} (audit {audit}); "
        f"`creditbot member unmerge {kept.id}` undoes it"
    )


def member_unmerge(
    keep: Annotated[str, typer.Argument(help="the member a merge went into")],
) -> None:
    """Undo the latest merge into a member, from its audit record."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        kept = resolve_member(uow, keep)
        other = unmerge_member(uow, kept, BY, runtime.now())
        uow.commit()
    typer.echo(f"separated member {other} from member {kept.id} again")


def credit_revoke(
    credit_id: Annotated[str, typer.Argument(help="the credit's id (see `member info`)")],
    reason: Annotated[str, typer.Option("--reason", help="why; the member is told")],
) -> None:
    """Withdraw a credit: it stays on record as a withdrawal; the member is told privately."""
    number = record_id(credit_id)
    if number is None:
        raise InvalidInput(f"'{shown(credit_id)}' is not a credit id (see `member info`)")
    runtime = open_runtime()
    with runtime.uow() as uow:
        withdrawn, key = revoke_credit(uow, runtime.config, number, reason, BY, runtime.now())
        uow.commit()
    told = "the member is told privately" if key else "the bot cannot reach the member to tell them"
    typer.echo(f"revoked credit {withdrawn.id} ({withdrawn.points} points); {told}")
    if key:
        send_now(runtime, [key])


def send_now(runtime: Runtime, keys: list[str]) -> None:
    """One try to send these outbox messages; what is not sent stays for the worker."""
    gateways = open_gateways(runtime.settings)
    if gateways.slack is None and gateways.discourse is None:
        typer.echo(
            "Neither Slack nor Discourse is configured here: "
            "the message waits in the outbox for serve"
        )
        return
    result = deliver_due(runtime, gateways.slack, gateways.discourse, runtime.now(), keys=keys)
    if result.retrying or result.failed:
        typer.echo("not sent yet: it stays in the outbox for the worker (`creditbot outbox list`)")


def register(app: typer.Typer) -> None:
    del app  # the commands join the existing ``member`` and ``credit`` groups
    member.command("hide")(member_hide)
    member.command("show")(member_show)
    member.command("unhide", hidden=True)(member_show)
    credit.command("revoke")(credit_revoke)
    member.command("merge")(member_merge)
    member.command("export")(member_export)
    member.command("forget")(member_forget)
    member.command("unmerge")(member_unmerge)
