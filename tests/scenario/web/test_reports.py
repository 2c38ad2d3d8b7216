"""Monthly reports on the web and the community's health over twelve months."""

from __future__ import annotations

from dataclasses import replace

import httpx

from bot.runtime import Runtime
from bot.services.ledger.published import report_record
from bot.services.ledger.shoutout import build_shoutout
from scoring.models import Identity, IdentityKind
from tests.integration.web.community import NOW, OCT
from tests.scenario.web.html import links, section, text


def test_the_reports_page_lists_every_ended_month_newest_first(site: httpx.Client) -> None:
    page = site.get("/reports").text
    months = [href for href in links(section(page, "months")) if href.startswith("/reports/")]
    assert months == ["/reports/2026-10", "/reports/2026-09", "/reports/2026-08"]


def test_the_reports_page_charts_twelve_months_of_health(site: httpx.Client) -> None:
    page = site.get("/reports").text
    health = section(page, "health")
    assert health.count("<svg") == 4
    for title in (
        "Organisational diversity",
        "Elephant Factor and Contributor Absence Factor",
        "New and inactive contributors",
    ):
        assert title in health
    assert "Community health, Nov 2025 to Oct 2026" in text(page)


def test_the_health_json_follows_the_chaoss_definitions(site: httpx.Client) -> None:
    health = site.get("/api/reports").json()["health"]
    assert [h["month"] for h in health][:1] == ["2025-11"] and len(health) == 12
    october = health[-1]
    # Seven people, one contribution each: Acme 2, Gamma, Beta, Delta, Epsilon 1 each,
    # Ivy for no organisation.
    assert october["contributions"] == 7
    assert october["organisations"] == 5
    assert october["elephant_factor"] == 2
    assert october["contributor_absence_factor"] == 4
    assert october["new_contributors"] == 6
    assert october["independent_share"] == round(1 / 7, 4)
    assert october["top_organisation_share"] == round(2 / 7, 4)
    assert health[0]["contributions"] == 0


def test_a_months_report_is_the_shout_out_without_anyone_who_opted_out(
    site: httpx.Client,
) -> None:
    page = site.get("/reports/2026-10")
    assert page.status_code == 200
    visible = text(page.text)
    assert "October 2026: thank you" in visible
    assert "Eve Egan" in visible and "Ann Archer" in visible
    assert "Kofi" not in page.text
    data = site.get("/api/reports/2026-10").json()
    assert data["published"] is False
    assert "Kofi Mensah" not in [m["name"] for m in data["members"]]
    assert all(
        set(m) == {"rank", "name", "points", "credits", "organisation"} for m in data["members"]
    )
    assert data["contributors"] == 7


def test_a_published_month_shows_what_was_posted_minus_people_who_opted_out_later(
    community: Runtime, fresh_site: httpx.Client
) -> None:
    with community.uow() as uow:
        content, report = build_shoutout(uow, community.config, OCT)
        posted = replace(content, note="Thank you all, as posted in Slack.")
        uow.reports.publish(
            str(OCT), {"report": report_record(report), "shoutout": posted.to_json()}, NOW
        )
        ann = uow.members.find(Identity(IdentityKind.EMAIL, "ann@acme.example"))
        assert ann is not None
        uow.members.set_flags(ann.id, show_publicly=False)
        uow.commit()
    page = fresh_site.get("/reports/2026-10").text
    visible = text(page)
    assert "As posted on 01 November 2026." in visible
    assert "Thank you all, as posted in Slack." in visible
    assert "Ann Archer" not in page
    assert "Eve Egan" in visible
    data = fresh_site.get("/api/reports/2026-10").json()
    assert data["published"] is True
    assert "Ann Archer" not in [m["name"] for m in data["members"]]
    assert fresh_site.get("/api/reports").json()["months"][0] == {
        "month": "2026-10",
        "label": "October 2026",
        "published": True,
    }


def test_a_month_not_over_or_not_a_month_has_no_report(site: httpx.Client) -> None:
    assert site.get("/reports/2026-11").status_code == 404
    assert site.get("/reports/october").status_code == 404
    assert site.get("/api/reports/2026-11").status_code == 404
    assert site.get("/api/reports/13-2026").json() == {
        "error": "'13-2026' is not a month (YYYY-MM)"
    }


def test_report_pages_link_to_the_months_around_them(site: httpx.Client) -> None:
    september = links(site.get("/reports/2026-09").text)
    assert "/reports/2026-08" in september and "/reports/2026-10" in september
