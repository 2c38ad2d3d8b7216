"""The public partner directory and partner pages, as a visitor gets them from the app."""

from __future__ import annotations

import httpx

from tests.scenario.web.html import cards, links, section, text


def test_the_directory_ranks_listed_partners_by_last_months_points(site: httpx.Client) -> None:
    page = site.get("/partners")
    assert page.status_code == 200
    assert page.headers["content-type"].startswith("text/html")
    everyone = cards(page.text)
    assert everyone == [("acme", 1), ("gamma", 2), ("beta", 3), ("delta", 4), ("zeta", 5)]
    assert "ranked by the points their people earned contributing in October 2026" in text(
        page.text
    )


def test_the_top_three_are_featured_first(site: httpx.Client) -> None:
    page = site.get("/partners").text
    assert cards(section(page, "featured")) == [("acme", 1), ("gamma", 2), ("beta", 3)]
    assert cards(section(page, "results")) == [("delta", 4), ("zeta", 5)]


def test_a_removed_partner_is_absent_from_the_directory_and_has_no_page(site: httpx.Client) -> None:
    page = site.get("/partners").text
    assert "Epsilon" not in page
    assert "epsilon" not in [slug for slug, _ in cards(page)]
    assert site.get("/partners/epsilon").status_code == 404
    assert site.get("/api/partners/epsilon").status_code == 404
    assert "epsilon" not in [p["slug"] for p in site.get("/api/partners").json()["partners"]]


def test_a_warned_or_paused_partner_stays_listed_without_a_word_about_it(
    site: httpx.Client,
) -> None:
    page = site.get("/partners").text
    for slug in ("beta", "delta"):
        assert slug in [s for s, _ in cards(page)]
    assert "paused" not in page.lower()
    assert "warning" not in page.lower()


def test_each_card_shows_the_tier_services_regions_and_languages(site: httpx.Client) -> None:
    card = section(site.get("/partners").text, "featured")
    gamma = card[card.index('id="partner-gamma"') :]
    gamma = gamma[: gamma.index("</article>")]
    assert "Bronze partner" in gamma
    assert "Hosting" in gamma and "Development" in gamma
    assert "Global" in gamma and "German" in gamma
    assert "/partners?service=Hosting" in links(gamma)


def test_filters_by_service_region_and_language_can_be_linked(site: httpx.Client) -> None:
    hosting = site.get("/partners", params={"service": "hosting"}).text
    assert cards(hosting) == [("acme", 1), ("gamma", 2), ("delta", 4)]
    assert "3 partners: Hosting" in text(hosting)
    africa = site.get("/partners?region=Africa").text
    # Gamma serves the whole world.
    assert [slug for slug, _ in cards(africa)] == ["gamma", "beta"]
    french_hosting = site.get("/partners?service=Hosting&language=french").text
    assert cards(french_hosting) == []
    assert "No listed partner matches." in text(french_hosting)


def test_the_filter_form_offers_every_term_and_keeps_the_choice(site: httpx.Client) -> None:
    page = site.get("/partners?language=german").text
    assert '<option value="German" selected>' in page
    assert '<option value="Instructional design">' in page
    assert '<label for="filter-region">Region</label>' in page


def test_a_partner_page_shows_the_profile_people_chart_and_types(site: httpx.Client) -> None:
    page = site.get("/partners/acme")
    assert page.status_code == 200
    html = page.text
    visible = text(html)
    assert "Acme hosts learning platforms." in visible
    assert "https://acme.example/cases" in links(html)
    assert "Ann Archer: 20 points" in visible
    assert "<svg" in section(html, "activity")
    assert "Activity, August 2026 to October 2026" in visible
    by_type = text(section(html, "by-type"))
    assert "code 1 20" in by_type and "review 1 10" in by_type and "talk 1 6" in by_type


def test_a_member_who_opted_out_is_absent_from_the_partner_page(site: httpx.Client) -> None:
    html = site.get("/partners/acme").text
    assert "Kofi" not in html
    data = site.get("/api/partners/acme").json()
    assert [c["name"] for c in data["contributors"]] == ["Ann Archer"]
    assert "Kofi" not in site.get("/api/partners/acme").text


def test_the_chart_is_inline_svg_without_script_or_outside_resources(site: httpx.Client) -> None:
    html = site.get("/partners/acme").text
    chart = section(html, "activity")
    assert "<script" not in html
    assert "kozea.github.io" not in html
    assert chart.count("<svg") == 1
    assert "Points by type of contribution: the numbers" in text(chart)


def test_partners_by_year_keep_everyone_listed_that_year(site: httpx.Client) -> None:
    this_year = site.get("/partners/2026").text
    names = text(section(this_year, "year-partners") or this_year)
    for name in ("Acme Learning", "Beta Pedagogy", "Gamma Hosting", "Delta Services"):
        assert name in names
    # Epsilon was listed until October's evaluation removed it: recognised, not linked.
    assert "Epsilon Systems" in names
    assert "/partners/epsilon" not in links(this_year)
    last_year = site.get("/api/partners/2025").json()
    assert [p["slug"] for p in last_year["partners"]] == ["acme"]
    assert site.get("/partners/2019").status_code == 404
    assert "/partners/2025" in links(site.get("/partners").text)


def test_the_directory_json_is_the_same_ranking(site: httpx.Client) -> None:
    data = site.get("/api/partners?service=Hosting").json()
    assert data["month"] == "2026-10"
    assert data["featured"] == ["acme", "gamma", "beta"]
    assert [(p["slug"], p["rank"]) for p in data["partners"]] == [
        ("acme", 1),
        ("gamma", 2),
        ("delta", 4),
    ]
    assert data["partners"][0]["tier"] == "Silver"


def test_an_unknown_page_is_a_readable_404(site: httpx.Client) -> None:
    page = site.get("/partners/nobody")
    assert page.status_code == 404
    assert "No listed partner called 'nobody'." in text(page.text)
    assert site.get("/api/partners/nobody").json() == {"error": "no listed partner 'nobody'"}
