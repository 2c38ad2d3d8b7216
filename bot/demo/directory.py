"""The public-pages step of ``creditbot demo``: partner profiles, a member who opts out
of being named, three leads by fair rotation, and the static site.

Runs after the standing step, so Gamma (removed from the partner list in October) is
absent from the directory and gets no lead.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import timedelta
from pathlib import Path
from typing import Any

import yaml

from bot.runtime import Runtime
from bot.services.partners.leads import add_lead, lead_request
from bot.services.partners.profiles import parse_profile, set_profile
from bot.web.export import build_site
from scoring.models import Identity, IdentityKind

DEMO_PROFILES: dict[str, dict[str, Any]] = {
    "acme": {
        "services": ["Hosting", "Development"],
        "regions": ["North America", "Europe"],
        "languages": ["English", "Spanish"],
        "description": "Acme Learning hosts and extends learning platforms for schools and "
        "universities, and contributes fixes upstream every month.",
        "website": "https://acme.example",
        "links": [{"title": "Case studies", "url": "https://acme.example/cases"}],
    },
    "beta": {
        "services": ["Instructional design", "Development"],
        "regions": ["Europe", "Africa"],
        "languages": ["French", "English"],
        "description": "Beta Pedagogy designs courses and trains teachers, in French and English.",
        "website": "https://beta.example",
    },
    "gamma": {
        "services": ["Hosting"],
        "regions": ["Global"],
        "languages": ["German", "English"],
        "description": "Gamma Hosting runs managed hosting in three data centres.",
        "website": "https://gamma.example",
    },
}

DEMO_LEADS = (
    ("Europe", "Hosting", "2,000 students"),
    ("Europe", "Development", None),
    ("Europe", "Development", "small"),
)


def run_directory_demo(runtime: Runtime, folder: Path, echo: Callable[[str], None] = print) -> Path:
    """Store the demo's profiles and leads, build the static site; returns its index."""
    config, now = runtime.config, runtime.now()
    echo("")
    echo("Public pages and referrals")
    with runtime.uow() as uow:
        for slug, data in DEMO_PROFILES.items():
            set_profile(uow, slug, parse_profile(data, f"{slug} profile"), "U0PM", now)
        kofi = uow.members.find(Identity(IdentityKind.SLACK, "U0KOFI"))
        if kofi is not None:
            uow.members.set_flags(kofi.id, show_publicly=False)
        uow.commit()
    echo("  profiles reviewed and stored for " + ", ".join(DEMO_PROFILES))
    echo("  Kofi Mensah chose not to be named in public: counted, not shown")
    for day, (region, category, size) in enumerate(DEMO_LEADS, start=1):
        with runtime.uow() as uow:
            result = add_lead(
                uow,
                config,
                lead_request(region, category, size),
                now - timedelta(days=len(DEMO_LEADS) + 1 - day),
                note="contact: the client's e-mail, sent to the partner only",
                by="U0PM",
            )
            uow.commit()
        echo(f"  lead {result.lead.id}: {category} in {region} -> {result.assignment.chosen.name}")
        for line in result.explanation.splitlines():
            echo(f"      {line}")

    config_file = folder / "creditbot.yml"
    config_file.write_text(
        yaml.safe_dump(config.model_dump(mode="json", exclude_defaults=True), sort_keys=False),
        encoding="utf-8",
    )
    site = build_site(runtime, folder / "site")
    pages = sum(1 for f in site.files if f.endswith(".html"))
    echo("")
    echo(f"The public pages ({pages} pages, as of {now:%Y-%m-%d}):")
    echo(f"  static site: open {site.index.resolve()} in a browser")
    echo(
        f"  or live: DATABASE_URL=sqlite:///{(folder / 'creditbot.db').resolve()} "
        f"CREDITBOT_CONFIG={config_file.resolve()} creditbot site serve --at {now:%Y-%m-%d}"
    )
    echo("           then open http://127.0.0.1:8000/partners")
    return site.index
