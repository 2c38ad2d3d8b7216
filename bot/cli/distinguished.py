"""``creditbot distinguished list|export``: the Distinguished Contributor programme.

For administrators: nominations with their outcome and tally (counts), never who voted how.
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from bot.cli.common import open_runtime
from bot.errors import InvalidInput
from bot.messages.words import plural
from bot.services.distinguished.admin import (
    NominationView,
    current_members,
    export_programme,
    list_nominations,
    membership_dict,
)
from bot.services.distinguished.common import track_name
from scoring.distinguished import local_day

distinguished = typer.Typer(
    help="The Distinguished Contributor programme: nominations, outcomes and members.",
    no_args_is_help=True,
)


class ListFormat(StrEnum):
    text = "text"
    json = "json"


class ExportFormat(StrEnum):
    csv = "csv"
    json = "json"


class NominationStatus(StrEnum):
    open = "open"
    approved = "approved"
    declined = "declined"
    no_quorum = "no_quorum"


def _tally_text(view: NominationView) -> str:
    if view.tally is None:
        return f"{plural(view.votes_cast, 'vote')} cast so far"
    t = view.tally
    quorum = "quorum reached" if t.get("quorum_reached") else "no quorum"
    return (
        f"{t.get('approve', 0)} approve, {t.get('decline', 0)} decline, "
        f"{t.get('abstain', 0)} abstain of {t.get('seats', 0)} seats; {quorum}"
    )


@distinguished.command("list")
def distinguished_list(
    cycle: Annotated[
        int | None, typer.Option(help="a cycle (year), e.g. 2026; default: every cycle")
    ] = None,
    status: Annotated[
        NominationStatus | None, typer.Option(help="only nominations with this status")
    ] = None,
    format: Annotated[ListFormat, typer.Option("--format", help="output format")] = (
        ListFormat.text
    ),
    on: Annotated[
        str | None, typer.Option(help="YYYY-MM-DD: the members on that day; default: today")
    ] = None,
) -> None:
    """Nominations with their outcome and tally, and the current members."""
    if cycle is not None and not 1 <= cycle <= 9999:
        raise typer.BadParameter(f"{cycle} is not a year", param_hint="--cycle")
    day: date | None = None
    if on is not None:
        try:
            day = date.fromisoformat(on.strip())
        except ValueError:
            raise typer.BadParameter(
                f"'{on}' is not a day (YYYY-MM-DD)", param_hint="--on"
            ) from None
    runtime = open_runtime()
    config = runtime.config
    today = day or local_day(runtime.now(), config.tz)
    with runtime.reader() as uow:
        views = list_nominations(
            uow, config, cycle=cycle, status=None if status is None else status.value
        )
        members = current_members(uow, today)
    if format == ListFormat.json:
        typer.echo(
            json.dumps(
                {
                    "nominations": [v.as_dict() for v in views],
                    "members": [membership_dict(config, m) for m in members],
                },
                ensure_ascii=False,
            )
        )
        return
    scope = f"cycle {cycle}" if cycle is not None else "all cycles"
    if status is not None:
        scope += f", {status.value}"
    typer.echo(f"Nominations ({scope}): {len(views)}")
    for v in views:
        typer.echo(
            f"  #{v.id} {v.cycle} {v.nominee} for {v.track_name}: "
            f"{v.status.replace('_', ' ')} ({_tally_text(v)}); nominated by {v.nominator}"
        )
    typer.echo(f"Members on {today.isoformat()}: {len(members)}")
    for m in members:
        until = "lifetime" if m.ends is None else f"until {m.ends.isoformat()}"
        since = (m.first_started or m.started).isoformat()
        typer.echo(f"  {m.name}: {track_name(config, m.track)}, since {since}, {until}")


_CSV_FIELDS = (
    "record",
    "cycle",
    "track",
    "track_name",
    "name",
    "nominee_key",
    "status",
    "started",
    "first_started",
    "ends",
    "renewed_count",
    "nominator",
    "votes_cast",
    "approve",
    "decline",
    "abstain",
    "seats",
    "quorum_reached",
    "created_at",
    "decided_at",
)


def _csv(data: dict[str, list[dict[str, Any]]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=_CSV_FIELDS, lineterminator="\n")
    writer.writeheader()
    for m in data["members"]:
        writer.writerow({"record": "member", **{k: m.get(k) for k in _CSV_FIELDS if k in m}})
    for n in data["nominations"]:
        tally = n.get("tally") or {}
        writer.writerow(
            {
                "record": "nomination",
                "cycle": n["cycle"],
                "track": n["track"],
                "track_name": n["track_name"],
                "name": n["nominee"],
                "nominee_key": n["nominee_key"],
                "status": n["status"],
                "nominator": n["nominator"],
                "votes_cast": n["votes_cast"],
                "approve": tally.get("approve"),
                "decline": tally.get("decline"),
                "abstain": tally.get("abstain"),
                "seats": tally.get("seats"),
                "quorum_reached": tally.get("quorum_reached"),
                "created_at": n["created_at"],
                "decided_at": n["decided_at"],
            }
        )
    return out.getvalue()


@distinguished.command("export")
def distinguished_export(
    format: Annotated[ExportFormat, typer.Option("--format", help="output format")] = (
        ExportFormat.csv
    ),
    output: Annotated[
        Path | None, typer.Option(help="the file to write; default: standard output")
    ] = None,
) -> None:
    """Every member (track, start, end, status) and every nomination with its tally."""
    runtime = open_runtime()
    with runtime.reader() as uow:
        data = export_programme(uow, runtime.config)
    if format == ExportFormat.json:
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = _csv(data)
    if output is None:
        typer.echo(text, nl=False)
        return
    try:
        output.write_text(text, encoding="utf-8")
    except OSError as error:
        raise InvalidInput(
            f"cannot write {output}: {error.strerror or error.__class__.__name__}"
        ) from None
    typer.echo(
        f"wrote {len(data['members'])} members and {len(data['nominations'])} nominations "
        f"to {output}"
    )


def register(app: typer.Typer) -> None:
    app.add_typer(distinguished, name="distinguished")
