"""Database, report, credits, members and organisations."""

from __future__ import annotations

import json
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import open_runtime, parse_month, skip_teardown
from bot.cli.groups import credit, member
from bot.errors import InvalidInput
from bot.messages.rendering import render_markdown, render_text
from bot.runtime import Runtime
from bot.services.ledger.credits import content_ref, record_credit
from bot.services.ledger.importing import import_credits, parse_moment
from bot.services.ledger.members import member_for_reference, resolve_member, set_affiliation
from bot.services.ledger.published import report_for
from bot.services.ledger.reports import report_to_json
from bot.services.people.accounts import corrections_without_hidden, without_hidden_members
from scoring.bounds import check_date
from scoring.evidence import evidence
from storage.migrate import upgrade


class ReportFormat(StrEnum):
    text = "text"
    markdown = "markdown"
    json = "json"


db = typer.Typer(help="The database schema.", no_args_is_help=True)
org = typer.Typer(help="Organisations.", no_args_is_help=True)


@db.command("upgrade")
def db_upgrade() -> None:
    """Create or migrate the schema (safe to run again, and from two processes)."""
    runtime = open_runtime(check_schema=False)
    before, after = upgrade(runtime.engine)
    runtime.sync_organisations()
    if before == after:
        typer.echo(f"database already at revision {after}")
    else:
        typer.echo(f"database upgraded from {before or 'empty'} to {after}")


@db.command("rebuild-rollups")
def db_rebuild_rollups() -> None:
    """Rebuild the maintained monthly figures from the ledger (the ledger is the truth)."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        cells = uow.rollups.rebuild(runtime.config.tz)
        uow.commit()
    typer.echo(f"monthly figures rebuilt from the ledger: {cells} member-month cells")


def report(
    month: Annotated[
        str | None, typer.Option(help="YYYY-MM; default: the month just ended")
    ] = None,
    format: Annotated[ReportFormat, typer.Option("--format", help="output format")] = (
        ReportFormat.text
    ),
    live: Annotated[
        bool, typer.Option("--live", help="for a published month: the numbers as they stand now")
    ] = False,
) -> None:
    """The month's numbers: contributors, organisations, new contributors and members.

    For a month whose shout-out was published: what was published, unless --live.
    """
    runtime = open_runtime()
    chosen = parse_month(month, runtime)
    with runtime.reader() as uow:
        view = report_for(uow, runtime.config, chosen, live=live)
        result, corrections = view.report, view.corrections
        if format == ReportFormat.markdown:  # a public report: hidden members not named
            result = without_hidden_members(uow, result)
            corrections = corrections_without_hidden(uow, corrections)
    if format == ReportFormat.json:
        typer.echo(json.dumps(report_to_json(result), ensure_ascii=False))
    elif format == ReportFormat.markdown:
        typer.echo(render_markdown(result, published_at=view.published_at, corrections=corrections))
    else:
        typer.echo(
            render_text(result, published_at=view.published_at, corrections=view.corrections)
        )


@credit.command("add")
def credit_add(
    member_ref: Annotated[
        str, typer.Option("--member", help="Slack user id, forum username or e-mail")
    ],
    type_name: Annotated[str, typer.Option("--type", help="a configured contribution type")],
    points: Annotated[int | None, typer.Option(help="default: the type's points")] = None,
    at: Annotated[
        str | None, typer.Option("--at", "--date", help="ISO-8601 date or date-time (UTC)")
    ] = None,
    note: Annotated[str, typer.Option(help="what was done")] = "",
    organisation: Annotated[
        str | None, typer.Option("--org", help="on behalf of this organisation (slug)")
    ] = None,
    ref: Annotated[str | None, typer.Option(help="unique reference at the source")] = None,
    source: Annotated[str, typer.Option(help="where it comes from")] = "cli",
    by: Annotated[str | None, typer.Option(help="who grants it")] = None,
) -> None:
    """Credit one contribution (a talk, a meetup, a pull request...)."""
    runtime = open_runtime()
    now = runtime.now()
    occurred = parse_moment(at) if at else now
    with runtime.uow() as uow:
        who = member_for_reference(uow, runtime.config, member_ref, now)
        reference = ref or "content:" + content_ref(
            who.id, type_name, occurred.isoformat(), points, organisation, note
        )
        made = record_credit(
            uow,
            runtime.config,
            who,
            type_name,
            occurred,
            source,
            reference,
            now,
            points=points,
            granted_by=by or "cli",
            note=note,
            organisation=organisation,
        )
        uow.commit()
    if made is None:
        typer.echo(f"already recorded: {source} {reference}; nothing added")
    else:
        where = made.organisation or "independent"
        typer.echo(
            f"credited {who.name}: {made.type}, {made.points} points on "
            f"{made.occurred_at.date().isoformat()} ({where})"
        )


def import_file(
    file: Annotated[Path, typer.Argument(help="a .jsonl or .csv file of credits")],
) -> None:
    """Import credits in bulk; a file with a bad line stores nothing."""
    runtime = open_runtime()
    result = import_credits(runtime, file)
    typer.echo(
        f"{result.lines} lines: {result.added} credits added, "
        f"{result.already_known} already known, {result.members_created} new members"
    )
    skip_teardown()  # the process only holds the freed rows' scattered heap now


@member.command("info")
def member_info(
    reference: Annotated[str, typer.Argument(help="Slack id, forum username, e-mail or id")],
) -> None:
    """A member's identities, organisations and recent credits (with their ids); read-only."""
    echo_member_record(open_runtime(), reference)


def echo_member_record(runtime: Runtime, reference: str) -> None:
    """What ``member info`` prints (``member show`` prints it too, after its change)."""
    with runtime.reader() as uow:
        who = resolve_member(uow, reference)
        affiliations = uow.members.affiliations(who.id)
        credits = uow.credits.for_member(who.id, include_withdrawn=True)
    typer.echo(f"{who.name} (member {who.id})")
    for identity in who.identities:
        typer.echo(f"  {identity.kind.value}: {identity.value}")
    if who.first_seen:
        typer.echo(f"  first seen: {who.first_seen.isoformat()}")
    typer.echo("organisations:" if affiliations else "organisations: none (independent)")
    for aff in affiliations:
        span = f"{aff.start or '…'} to {aff.end or 'now'}"
        typer.echo(f"  {aff.organisation} ({aff.source.value}) {span}")
    total = sum(c.points for c in credits if not c.withdrawn)
    typer.echo(f"credits: {len(credits)} ({total} points)")
    for c in credits[-20:]:
        state = " [withdrawn]" if c.withdrawn else ""
        typer.echo(
            f"  #{c.id} {c.occurred_at.date().isoformat()} {c.type} {c.points} "
            f"{c.organisation or 'independent'}{state} {evidence(c)}".rstrip()
        )


@member.command("affiliate")
def member_affiliate(
    reference: Annotated[str, typer.Argument(help="Slack id, forum username, e-mail or id")],
    organisation: Annotated[
        str, typer.Option("--org", help="organisation slug, or 'none' to end the affiliation")
    ],
    start: Annotated[str, typer.Option("--from", help="first day (YYYY-MM-DD)")],
) -> None:
    """Set a member's organisation by hand from a date; earlier credits keep theirs."""
    runtime = open_runtime()
    try:
        first_day = parse_moment(start).date()
    except InvalidInput as error:
        raise InvalidInput(f"--from: {error}") from None
    check_date(first_day, runtime.now().date(), what="--from")
    with runtime.uow() as uow:
        who = resolve_member(uow, reference)
        slug = None if organisation.lower() == "none" else organisation
        changed = set_affiliation(
            uow, runtime.config, who.id, slug, first_day, runtime.now(), by="cli"
        )
        uow.commit()
    typer.echo(
        f"{who.name}: {slug or 'independent'} from {first_day}; {changed} credits re-attributed"
    )


@member.command("quiet")
def member_quiet(
    reference: Annotated[str, typer.Argument(help="Slack id, forum username, e-mail or id")],
    off: Annotated[bool, typer.Option("--off", help="send reminders again")] = False,
) -> None:
    """No more nudges, welcome backs or credit notices for a member (e.g. who replied to
    one on the forum)."""
    runtime = open_runtime()
    with runtime.uow() as uow:
        who = resolve_member(uow, reference)
        uow.members.set_flags(who.id, nudges_opted_out=not off)
        uow.people.set_notices_off(who.id, not off)  # "we will not write again"
        uow.commit()
    state = (
        "reminders and credit notices on again" if off else "no more reminders or credit notices"
    )
    typer.echo(f"{who.name}: {state}")


@org.command("list")
def org_list() -> None:
    """Organisations, with their domains and partner status."""
    runtime = open_runtime()
    with runtime.reader() as uow:
        organisations = uow.organisations.all()
    if not organisations:
        typer.echo("no organisations configured")
    for o in organisations:
        flags = ", ".join(f for f, on in (("partner", o.partner), ("staff", o.staff)) if on)
        domains = ", ".join(o.domains) or "no domain"
        typer.echo(f"{o.slug:<16} {o.name} [{domains}]{' (' + flags + ')' if flags else ''}")


def register(app: typer.Typer) -> None:
    app.add_typer(db, name="db")
    app.add_typer(credit, name="credit")
    app.add_typer(member, name="member")
    app.add_typer(org, name="org")
    app.command("report")(report)
    app.command("import")(import_file)
