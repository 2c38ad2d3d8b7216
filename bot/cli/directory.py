"""The programme manager's commands for the public directory:

- ``creditbot partner profile set <slug> --file profile.yml`` / ``partner profile show <slug>``
- ``creditbot site build --out DIR``
- ``creditbot lead add --region R --category C [--size S] [--note ...]`` / ``lead list``
"""

from __future__ import annotations

import dataclasses
import json
from pathlib import Path
from typing import Annotated

import typer

from bot.cli.common import deliver_now, fail_line, open_runtime
from bot.errors import NotFound
from bot.runtime import Runtime
from bot.services.ledger.importing import parse_moment
from bot.services.partners.leads import add_lead, lead_request
from bot.services.partners.profiles import read_profile_file, set_profile, stored_profile

partner = typer.Typer(help="Partners in the public directory.", no_args_is_help=True)
profile = typer.Typer(help="A partner's public profile.", no_args_is_help=True)
site = typer.Typer(help="The public pages as a static site.", no_args_is_help=True)
lead = typer.Typer(help="Referrals to partners, by fair rotation.", no_args_is_help=True)
partner.add_typer(profile, name="profile")


@profile.command("set")
def profile_set(
    slug: Annotated[str, typer.Argument(help="the organisation's slug")],
    file: Annotated[Path, typer.Option("--file", help="the profile (YAML)")],
    by: Annotated[str | None, typer.Option(help="who reviewed it")] = None,
) -> None:
    """Store a partner's reviewed profile: services, regions, languages, description,
    website, logo_url, links."""
    reviewed = read_profile_file(file)
    runtime = open_runtime()
    with runtime.uow() as uow:
        set_profile(uow, slug, reviewed, by, runtime.now())
        org = uow.organisations.get(slug)
        uow.commit()
    typer.echo(
        f"profile of {slug} stored: {len(reviewed.services)} services, "
        f"{len(reviewed.regions)} regions, {len(reviewed.languages)} languages"
    )
    if org is not None and not org.partner:
        typer.echo(
            f"note: {slug} is not a partner (partner: true in creditbot.yml), so it is not listed"
        )


@profile.command("show")
def profile_show(slug: Annotated[str, typer.Argument(help="the organisation's slug")]) -> None:
    """Print a partner's stored profile (YAML-like JSON)."""
    runtime = open_runtime()
    with runtime.reader() as uow:
        if uow.organisations.get(slug) is None:
            raise NotFound(f"unknown organisation '{slug}'")
        found = stored_profile(uow, slug)
    if found is None:
        typer.echo(f"{slug} has no profile yet")
        return
    typer.echo(json.dumps(found.model_dump(mode="json"), ensure_ascii=False, indent=2))


def _as_of(runtime: Runtime, at: str | None) -> Runtime:
    if not at:
        return runtime
    moment = parse_moment(at)
    return dataclasses.replace(runtime, clock=lambda: moment)


AT_HELP = "ISO-8601: show the pages as they were at this moment (default: now)"


@site.command("build")
def site_build(
    out: Annotated[Path, typer.Option("--out", help="the folder to write the site into")],
    at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
) -> None:
    """Write the partner directory, partner pages and reports as static files."""
    # the web modules (jinja2, the routes) load here, not for every command
    from bot.web.export import build_site
    from bot.web.site_builds import remember_build

    runtime = _as_of(open_runtime(), at)

    built = build_site(runtime, out)
    remember_build(runtime, out)  # an erasure rebuilds it
    pages = sum(1 for f in built.files if f.endswith(".html"))
    typer.echo(f"wrote {pages} pages and {len(built.files) - pages} other files to {out}")
    typer.echo(f"open {built.index.resolve()}")


@site.command("serve")
def site_serve(
    host: Annotated[str, typer.Option(help="address to listen on")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="port to listen on")] = 8000,
    at: Annotated[str | None, typer.Option(help=AT_HELP)] = None,
) -> None:
    """Serve only the public pages (no Slack, no scheduler): a preview for programme
    managers. `creditbot serve` serves them too, with everything else."""
    import uvicorn

    from bot.web.routes import public_app

    runtime = _as_of(open_runtime(), at)
    typer.echo(f"the public pages: http://{host}:{port}/partners (Ctrl+C to stop)")
    try:
        uvicorn.run(public_app(runtime), host=host, port=port, log_level="warning", lifespan="off")
    finally:
        runtime.close()


@lead.command("add")
def lead_add(
    region: Annotated[str, typer.Option(help="where the client is, e.g. Europe")],
    category: Annotated[str, typer.Option(help="what they need, e.g. hosting")],
    size: Annotated[str | None, typer.Option(help="e.g. small, 500 users")] = None,
    note: Annotated[
        str, typer.Option(help="how to reach the client (private: only the partner gets it)")
    ] = "",
    by: Annotated[str | None, typer.Option(help="who gives the lead")] = None,
) -> None:
    """Give a lead to the partner next in the fair rotation, and tell it privately."""
    request = lead_request(region, category, size)
    runtime = open_runtime()
    with runtime.uow() as uow:
        result = add_lead(uow, runtime.config, request, runtime.now(), note=note, by=by)
        uow.commit()
    chosen = result.assignment.chosen
    typer.echo(
        f"lead {result.lead.id}: {request.category} in {request.region} -> "
        f"{chosen.name} ({chosen.slug})"
    )
    for line in result.explanation.splitlines():
        typer.echo(f"  {line}")
    if not result.contacts:
        typer.echo(f"{chosen.slug} has no contacts in creditbot.yml: tell them yourself")
        return
    if not result.outbox_keys:
        return

    drained = deliver_now(runtime, result.outbox_keys)
    for sent in drained.sent:
        typer.echo(f"told privately: {sent.key}")
    for left in drained.undelivered:
        fail_line(f"not delivered yet: {left.key}: {left.error} (it stays in the outbox)")


@lead.command("list")
def lead_list() -> None:
    """Every lead with the partner it went to and why (private)."""
    runtime = open_runtime()
    with runtime.reader() as uow:
        leads = uow.leads.all()
        names = uow.organisations.names()
    if not leads:
        typer.echo("no leads yet")
    for item in leads:
        size = f", {item.size}" if item.size else ""
        typer.echo(
            f"{item.id:>4}  {item.created_at:%Y-%m-%d}  {item.category} in {item.region}{size} "
            f"-> {names.get(item.organisation, item.organisation)}"
        )


def register(app: typer.Typer) -> None:
    app.add_typer(partner, name="partner")
    app.add_typer(site, name="site")
    app.add_typer(lead, name="lead")
