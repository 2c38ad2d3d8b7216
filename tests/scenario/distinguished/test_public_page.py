"""The public ``/distinguished`` page and ``/api/distinguished.json`` after the 2026
decision, served by the real app: current members by track, the lifetime mark, past
cycles' counts; nothing of the nominations, the votes or the declined nominee."""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import httpx
import pytest

from bot.runtime import Runtime
from bot.web.export import build_site
from storage.repositories.distinguished import org_key
from tests.scenario.web.html import read, section
from tests.support.builders.recognition import (
    NOMINATOR,
    PANEL,
    PEOPLE,
    SECRET_JUSTIFICATION,
    decide_2026,
)
from tests.support.clock import FixedClock
from tests.support.serving import RunningSite


@pytest.fixture
def decided(runtime: Runtime, clock: FixedClock) -> Runtime:
    decide_2026(runtime, clock)
    with runtime.uow() as uow:  # Beta has been a Distinguished Partner for four years
        uow.distinguished.save_membership(
            nominee_key=org_key("beta"),
            member_id=None,
            org="beta",
            track="partner",
            nomination_id=None,
            started=date(2024, 12, 1),
            ends=None,
            status="lifetime",
            first_started=date(2022, 12, 1),
            renewed_count=2,
        )
        uow.commit()
    return runtime


@pytest.fixture
def visitor(decided: Runtime) -> Iterator[httpx.Client]:
    running = RunningSite(decided).start()
    with httpx.Client(base_url=running.url, timeout=30) as client:
        yield client
    running.stop()


def test_the_json_lists_current_members_by_track_and_counts_past_cycles(
    visitor: httpx.Client,
) -> None:
    response = visitor.get("/api/distinguished.json")
    assert response.status_code == 200
    assert visitor.get("/api/distinguished").json() == response.json()

    def member(name: str, organisation: str | None, since: str, lifetime: bool = False) -> dict:
        return {"name": name, "organisation": organisation, "since": since, "lifetime": lifetime}

    assert response.json() == {
        "as_of": "2026-12-01",
        "tracks": [
            {
                "key": "engineer",
                "name": "Distinguished Engineer",
                "nominee": "member",
                "members": [
                    member("Ann Archer", "Acme Learning", "2026-12-01"),
                    member("Bob Baker", "Beta Pedagogy", "2026-12-01"),
                ],
                "unnamed": 0,
            },
            {
                "key": "advocate",
                "name": "Distinguished Advocate",
                "nominee": "member",
                "members": [member("Cy Cole", None, "2026-12-01")],
                "unnamed": 0,
            },
            {
                "key": "innovator",
                "name": "Distinguished Innovator",
                "nominee": "member",
                "members": [],
                "unnamed": 1,
            },
            {
                "key": "partner",
                "name": "Distinguished Partner",
                "nominee": "organisation",
                "members": [
                    member("Acme Learning", None, "2026-12-01"),
                    member("Beta Pedagogy", None, "2022-12-01", lifetime=True),
                ],
                "unnamed": 0,
            },
        ],
        "cycles": [
            {
                "year": 2026,
                "recognised": 5,
                "by_track": [
                    {"track": "Distinguished Engineer", "recognised": 2},
                    {"track": "Distinguished Advocate", "recognised": 1},
                    {"track": "Distinguished Innovator", "recognised": 1},
                    {"track": "Distinguished Partner", "recognised": 1},
                ],
            }
        ],
        "term_years": 2,
        "lifetime_after_years": 4,
    }


def test_the_page_shows_each_track_with_its_members_and_the_lifetime_mark(
    visitor: httpx.Client,
) -> None:
    page = visitor.get("/distinguished")
    assert page.status_code == 200
    html = page.text
    engineers = " ".join(read(section(html, "track-engineer")).text)
    assert "Ann Archer (Acme Learning) · since December 2026" in engineers
    assert "Bob Baker (Beta Pedagogy) · since December 2026" in engineers
    innovators = " ".join(read(section(html, "track-innovator")).text)
    assert "1 member who prefers not to be named." in innovators
    partners = " ".join(read(section(html, "track-partner")).text)
    assert "Beta Pedagogy · since December 2022 · Lifetime" in partners
    assert "Acme Learning · since December 2026" in partners
    cycles = " ".join(read(section(html, "cycles")).text)
    assert "2026 : 5 recognised (Distinguished Engineer: 2" in cycles
    assert 'href="/distinguished" aria-current="page">Distinguished</a>' in html

    everything = (html + visitor.get("/api/distinguished").text).lower()
    for hidden in ("Dee Dunn", "Eli Eriksen", SECRET_JUSTIFICATION, NOMINATOR, *PANEL):
        assert hidden.lower() not in everything
    for slack_id, _name, email, _forum in PEOPLE.values():
        assert slack_id.lower() not in everything and email not in everything
    for word in ("approve", "decline", "abstain", "vote", "tally", "quorum", "evidence"):
        assert word not in everything


def test_the_static_export_has_the_page_and_its_json(decided: Runtime, tmp_path: Path) -> None:
    out = build_site(decided, tmp_path / "site").out
    page = (out / "distinguished" / "index.html").read_text(encoding="utf-8")
    assert "Ann Archer" in page and "Dee Dunn" not in page
    data = json.loads((out / "api" / "distinguished.json").read_text(encoding="utf-8"))
    assert [t["key"] for t in data["tracks"]] == ["engineer", "advocate", "innovator", "partner"]
    partners = (out / "partners" / "index.html").read_text(encoding="utf-8")
    assert 'href="../distinguished/index.html"' in partners
