"""Nothing private ever appears: every page and every JSON answer of the site, reached
by following links like a visitor, is searched for the private records planted in the
community (conduct notes, standing reasons and levels, e-mail addresses, chat ids,
payments, lead notes)."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

import httpx
import pytest

from bot.runtime import Runtime
from bot.services.distinguished.cycle import decide, nominate, vote
from tests.integration.web.community import EMAILS, PRIVATE, SLACK_IDS
from tests.scenario.web.html import links
from tests.support.clock import FixedClock
from tests.support.serving import RunningSite

START = [
    "/partners",
    "/reports",
    "/reports/leads",
    "/partners/2025",
    "/partners/2026",
    "/distinguished",
]
FORBIDDEN_WORDS = (
    "warning_level",
    "warning level",
    "referrals_paused",
    "paused",
    "good_standing",
    "good standing",
    "conduct",
    "payment",
    "98765",
    "98,765",
)
_SVG = re.compile(r"<svg\b.*?</svg>", re.DOTALL)


def crawl(site: httpx.Client, start: list[str] | None = None) -> dict[str, str]:
    """Every page reachable from the start pages, and the JSON of each."""
    seen: dict[str, str] = {}
    queue = list(start or START)
    while queue:
        path = queue.pop()
        if path in seen:
            continue
        response = site.get(path)
        assert response.status_code == 200, path
        seen[path] = response.text
        api = site.get("/api" + path)
        assert api.status_code == 200, "/api" + path
        seen["/api" + path] = api.text
        for href in links(response.text):
            parts = urlsplit(href)
            if parts.scheme or parts.netloc or not href.startswith("/"):
                continue  # the partners' own websites, CHAOSS
            if parts.path.startswith("/api") or parts.path.startswith("/static"):
                continue
            queue.append(href)
    return seen


def test_no_page_or_json_shows_anything_private(site: httpx.Client) -> None:
    pages = crawl(site)
    assert len(pages) > 30  # directory, filters, partners, years, reports, months, leads
    assert "/partners/acme" in pages and "/reports/2026-10" in pages
    assert any(p.startswith("/partners?service=") for p in pages)
    for path, page in pages.items():
        body = _SVG.sub("", page)  # a chart's coordinates and ids are no one's data
        assert "private" not in page.lower(), path
        lowered = body.lower()
        for secret in PRIVATE.values():
            assert secret.lower() not in lowered, f"{secret!r} in {path}"
        assert "private-" not in lowered, path
        for email in EMAILS:
            assert email not in lowered, f"{email} in {path}"
        assert "@" not in body.replace("@media", ""), f"an e-mail-like text in {path}"
        for slack_id in SLACK_IDS:
            assert slack_id not in body, f"{slack_id} in {path}"
        for word in FORBIDDEN_WORDS:
            assert word not in lowered, f"{word!r} in {path}"


def test_the_referral_report_gives_counts_only(site: httpx.Client) -> None:
    data = site.get("/api/reports/leads").json()
    assert data == {
        "quarters": [
            {
                "quarter": "2026-Q4",
                "total": 1,
                "regions": [{"region": "Europe", "leads": 1}],
                "partners": [{"partner": "Gamma Hosting", "leads": 1}],
            }
        ]
    }
    page = site.get("/reports/leads").text
    assert "2026-Q4: 1 lead" in page
    assert "large" not in page and "because" not in page


# -- the Distinguished Contributor programme ------------------------------------------

PANEL = ("U0PANELA", "U0PANELB", "U0PANELC")
NOMINATOR = "U0NOMINATOR9"
JUSTIFICATION = "PRIVATE-JUSTIFICATION-3317 she mentored {}"
#: nominee, track, the panel's votes (-> approved, declined, approved but unnamed, no quorum)
CYCLE_2026 = (
    ("U0ANN", "engineer", ("approve", "approve", "decline")),
    ("U0GUS", "engineer", ("decline", "decline", "abstain")),
    ("U0KOFI", "advocate", ("approve", "approve")),
    ("beta", "partner", ("approve",)),
)


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["distinguished"] = {
        "review_channel": "C0PANEL",
        "panel": [{"user": u, "constituency": f"seat-{n}"} for n, u in enumerate(PANEL)],
    }
    return config_data


def _decide_2026(runtime: Runtime, clock: FixedClock) -> None:
    clock.set(datetime(2026, 9, 20, 12, tzinfo=UTC))
    with runtime.uow() as uow:
        for nominee, track, votes in CYCLE_2026:
            nomination = nominate(
                uow,
                runtime.config,
                nominator=NOMINATOR,
                nominee=nominee,
                track=track,
                justification=JUSTIFICATION.format(nominee),
                links=["https://evidence.example/PRIVATE-LINK"],
                now=clock.now,
            ).nomination
            for voter, choice in zip(PANEL, votes, strict=False):
                vote(
                    uow,
                    runtime.config,
                    nomination_id=nomination.id,
                    voter=voter,
                    vote=choice,
                    now=clock.now,
                )
        uow.commit()
    clock.set(datetime(2026, 12, 1, 10, tzinfo=UTC))
    with runtime.uow() as uow:
        outcomes = {
            d.nomination.nominee_key: d.tally.outcome
            for d in decide(uow, runtime.config, 2026, clock.now)
        }
        uow.commit()
    assert sorted(outcomes.values()) == ["approved", "approved", "declined", "no_quorum"]


def test_the_distinguished_page_shows_no_nomination_vote_tally_or_declined_nominee(
    community: Runtime, clock: FixedClock
) -> None:
    _decide_2026(community, clock)
    running = RunningSite(community).start()
    try:
        with httpx.Client(base_url=running.url, timeout=30) as site:
            pages = crawl(site, ["/distinguished"])
    finally:
        running.stop()
    assert "/partners/acme" in pages  # the crawl went on through the site's navigation
    programme = pages["/distinguished"] + pages["/api/distinguished"]
    assert "Ann Archer" in programme  # approved: named
    assert "Kofi" not in programme  # approved, but asked not to be named publicly
    assert "Gus Grant" not in programme and "Beta Pedagogy" not in programme  # not approved
    lowered = programme.lower()
    for word in ("approve", "decline", "abstain", "vote", "tally", "quorum", "mentored"):
        assert word not in lowered, word
    for path, page in pages.items():
        body = _SVG.sub("", page)
        assert "private" not in page.lower(), path  # justifications, evidence links
        for secret in (NOMINATOR, *PANEL, "C0PANEL"):
            assert secret not in body, f"{secret} in {path}"
        for email in EMAILS:
            assert email not in body.lower(), f"{email} in {path}"
        assert "@" not in body.replace("@media", ""), f"an e-mail-like text in {path}"
