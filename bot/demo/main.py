"""A built-in sample community, run through the same code paths as production.

The demo fixes its clock (1 November 2026, 09:00 UTC) so that its output is the
same on every machine: three months of contributions (August to October 2026),
one person who moves from Acme to Beta on 1 October, and October's report.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.config import ProgrammeConfig, Settings, parse_config
from bot.messages.rendering import render_text
from bot.runtime import Runtime
from bot.services.ledger.importing import import_credits
from bot.services.ledger.members import ensure_member, set_affiliation
from bot.services.ledger.reports import monthly_report
from scoring.models import Identity, IdentityKind
from scoring.months import Month
from storage.engine import make_engine
from storage.migrate import upgrade

DEMO_NOW = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)

DEMO_CONFIG: dict[str, Any] = {
    "timezone": "Europe/Paris",
    "slack": {
        "shoutout_channel": "C0SHOUT",
        "review_channel": "C0REVIEW",
        "announcements_channel": "C0NEWS",
        "team_leads": ["U0LEAD"],
        "program_managers": ["U0PM"],
    },
    "discourse": {"shoutout_category_id": 5, "support_category_ids": [7]},
    "organisations": [
        {
            "slug": "acme",
            "name": "Acme Learning",
            "domains": ["acme.example"],
            "country": "US",
            "employees": 40,
            "partner": True,
            "contacts": ["U0ACME"],
        },
        {
            "slug": "beta",
            "name": "Beta Pedagogy",
            "domains": ["beta.example"],
            "country": "FR",
            "employees": 12,
            "partner": True,
            "contacts": ["U0BETA"],
        },
        {
            "slug": "gamma",
            "name": "Gamma Hosting",
            "domains": ["gamma.example"],
            "country": "DE",
            "employees": 150,
            "partner": True,
            "contacts": ["U0GAMMA"],
        },
        {
            "slug": "delta",
            "name": "Delta Tutors",
            "domains": ["delta.example"],
            "country": "GB",
            "employees": 30,
            "contacts": ["U0DELTA"],
        },
        {
            "slug": "core",
            "name": "Project Core Team",
            "domains": ["project.example"],
            "staff": True,
        },
    ],
}

# (name, Slack id, forum username, e-mail)
DEMO_PEOPLE: list[tuple[str, str | None, str | None, str]] = [
    ("Alice Martin", "U0ALICE", "alice", "alice@acme.example"),
    ("Bob Chen", "U0BOB", None, "bob@acme.example"),
    ("Carol Diaz", "U0CAROL", "carol", "carol@acme.example"),
    ("Dmitri Ivanov", "U0DMITRI", "dmitri", "dmitri@beta.example"),
    ("Esther Okafor", None, "esther", "esther@beta.example"),
    ("Farid Haddad", "U0FARID", None, "farid@gamma.example"),
    ("Grace Kim", "U0GRACE", "gracek", "grace@gamma.example"),
    ("Hugo Laurent", "U0HUGO", None, "hugo@project.example"),
    ("Ines Costa", "U0INES", "ines", "ines.costa@gmail.com"),
    ("Jon Park", None, "jpark", "jon.park@outlook.com"),
    ("Kofi Mensah", "U0KOFI", None, "kofi@acme.example"),
    ("Lena Vogel", "U0LENA", "lena", "lena@gamma.example"),
]

_TYPES = ["code", "review", "support", "docs", "talk", "blog", "event", "consulting"]


def demo_credits(seed: int = 7) -> list[dict[str, Any]]:
    """Three months of varied credits for the sample people (deterministic)."""
    rng = random.Random(seed)
    lines: list[dict[str, Any]] = []
    activity = {p[3]: rng.randint(1, 6) for p in DEMO_PEOPLE}
    activity["jon.park@outlook.com"] = 0  # Jon's first credit comes in October only
    for month in (Month(2026, 8), Month(2026, 9), Month(2026, 10)):
        for name, _slack, _forum, email in DEMO_PEOPLE:
            count = activity[email] + (2 if month == Month(2026, 10) and "gamma" in email else 0)
            if email == "jon.park@outlook.com" and month == Month(2026, 10):
                count = 2
            for n in range(count):
                day = month.first_day() + timedelta(days=rng.randint(0, 27))
                kind = rng.choice(_TYPES)
                lines.append(
                    {
                        "member": email,
                        "type": kind,
                        "at": f"{day.isoformat()}T{rng.randint(8, 18):02d}:30:00Z",
                        "ref": f"demo:{email}:{month}:{n}",
                        "source": "demo",
                        "note": f"{kind} by {name.split()[0]}",
                    }
                )
    return lines


def run_demo(folder: Path, echo: Callable[[str], None] = print) -> str:
    """Build the demo database in ``folder`` and print October 2026's report."""
    folder.mkdir(parents=True, exist_ok=True)
    for leftover in folder.glob("creditbot.db*"):
        leftover.unlink()
    database = folder / "creditbot.db"
    settings = Settings(
        database_url=f"sqlite:///{database}", creditbot_config=str(folder / "none.yml")
    )
    config: ProgrammeConfig = parse_config(DEMO_CONFIG, "demo configuration")
    runtime = Runtime(settings, config, make_engine(settings.database_url), lambda: DEMO_NOW)
    try:
        upgrade(runtime.engine)
        runtime.sync_organisations()
        echo(f"demo database: {database}")
        echo(
            f"sample community: {len(config.organisations)} organisations, "
            f"{len(DEMO_PEOPLE)} members, August to October 2026"
        )
        _add_people(runtime)
        text = _the_ledger(runtime, folder, echo)
        _the_features(runtime, folder, echo)
        return text
    finally:
        runtime.close()


def _add_people(runtime: Runtime) -> None:
    """The sample community's members with their identities (Jon joins in October)."""
    with runtime.uow() as uow:
        for name, slack, forum, email in DEMO_PEOPLE:
            identities = [Identity(IdentityKind.EMAIL, email)]
            if slack:
                identities.append(Identity(IdentityKind.SLACK, slack))
            if forum:
                identities.append(Identity(IdentityKind.DISCOURSE, forum))
            joined = datetime(2026, 8, 1, tzinfo=UTC)
            if email.startswith("jon"):
                joined = datetime(2026, 10, 3, tzinfo=UTC)
            member, _ = ensure_member(uow, runtime.config, identities, name, joined)
            uow.members.seen(member.id, joined)
        uow.commit()


def _the_ledger(runtime: Runtime, folder: Path, echo: Callable[[str], None]) -> str:
    """Credits imported, a member moved between organisations, October's report."""
    config = runtime.config
    credits_file = folder / "credits.jsonl"
    credits_file.write_text(
        "".join(json.dumps(line) + "\n" for line in demo_credits()), encoding="utf-8"
    )
    result = import_credits(runtime, credits_file)
    echo(f"imported {result.added} credits from {credits_file}")

    with runtime.uow() as uow:
        carol = uow.members.find(Identity(IdentityKind.SLACK, "U0CAROL"))
        assert carol is not None
        moved = set_affiliation(
            uow, config, carol.id, "beta", date(2026, 10, 1), DEMO_NOW, by="demo"
        )
        uow.commit()
    echo(f"Carol Diaz moved from Acme to Beta on 2026-10-01: {moved} credits re-attributed")

    with runtime.reader() as uow:
        report = monthly_report(uow, config, Month(2026, 10))
    text = render_text(report)
    echo("")
    echo(text)
    return text


def _the_features(runtime: Runtime, folder: Path, echo: Callable[[str], None]) -> None:
    """Each feature's demo step, one after the other."""
    # -- the monthly shout-out: what it would post in Slack and on the forum ---------
    from bot.demo.shoutout import run_shoutout_demo

    run_shoutout_demo(runtime, "2026-10", echo)

    # -- partner standing: one partner slides down the ladder, one comes back ------
    from bot.demo.standing import run_standing_demo

    run_standing_demo(runtime, echo)

    # -- the public pages: profiles, fair referrals, the static site -----------------
    from bot.demo.directory import run_directory_demo

    run_directory_demo(runtime, folder, echo)

    # -- the forum: a signed accepted-solution webhook becomes a support credit -----
    from bot.demo.discourse import run_discourse_demo

    run_discourse_demo(runtime, echo)

    # -- Slack: a thank-you in a thread, a question, a team lead's Yes, a credit ------
    from bot.demo.slack import replay_slack_conversation

    replay_slack_conversation(runtime, echo)

    # -- Distinguished Contributors: a nomination, the panel's votes, the decision ----
    from bot.demo.distinguished import run_distinguished_demo

    run_distinguished_demo(runtime, echo)
