"""Nothing private ever appears: every page and every JSON answer of the site, reached
by following links like a visitor, is searched for the private records planted in the
community (conduct notes, standing reasons and levels, e-mail addresses, chat ids,
payments, lead notes)."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import httpx

from tests.integration.web.community import EMAILS, PRIVATE, SLACK_IDS
from tests.scenario.web.html import links

START = ["/partners", "/reports", "/reports/leads", "/partners/2025", "/partners/2026"]
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


def crawl(site: httpx.Client) -> dict[str, str]:
    """Every page reachable from the start pages, and the JSON of each."""
    seen: dict[str, str] = {}
    queue = list(START)
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
