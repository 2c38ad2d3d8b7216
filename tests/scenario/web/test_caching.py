"""Public pages are cached until what they show changes, and bounded in what they accept."""

from __future__ import annotations

import httpx

from bot.runtime import Runtime
from scoring.models import Identity, IdentityKind
from tests.integration.web.community import OCT, credit


def _ann(site: httpx.Client) -> int | None:
    members = site.get("/api/reports/2026-10").json()["members"]
    return next((m["points"] for m in members if m["name"] == "Ann Archer"), None)


def test_a_page_seen_before_is_not_sent_again_until_a_credit_changes_it(
    community: Runtime, fresh_site: httpx.Client
) -> None:
    first = fresh_site.get("/reports/2026-10")
    assert first.status_code == 200
    assert first.headers["cache-control"] == "no-cache"
    etag = first.headers["etag"]

    again = fresh_site.get("/reports/2026-10", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.content == b""
    assert again.headers["etag"] == etag
    assert _ann(fresh_site) == 20

    credit(community, "ann@acme.example", "Ann Archer", OCT, 7, day=20)

    changed = fresh_site.get("/reports/2026-10", headers={"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["etag"] != etag
    assert _ann(fresh_site) == 27


def test_a_member_who_hides_leaves_the_cached_report_at_once(
    community: Runtime, fresh_site: httpx.Client
) -> None:
    assert _ann(fresh_site) == 20
    with community.uow() as uow:
        ann = uow.members.find(Identity(IdentityKind.EMAIL, "ann@acme.example"))
        assert ann is not None
        uow.members.set_flags(ann.id, show_publicly=False)
        uow.commit()
    assert _ann(fresh_site) is None


def test_a_month_outside_the_sane_range_is_not_found(site: httpx.Client) -> None:
    for path in ("/reports/1999-12", "/reports/9999-01", "/api/reports/1999-12"):
        response = site.get(path)
        assert response.status_code == 404, path
    assert site.get("/api/reports/9999-01").json() == {
        "error": "no report for 9999-01: the month has not ended"
    }


def test_the_report_list_comes_in_pages_and_a_page_past_the_last_is_not_found(
    site: httpx.Client,
) -> None:
    data = site.get("/api/reports").json()
    assert (data["page"], data["pages"]) == (1, 1)
    assert [m["month"] for m in data["months"]] == ["2026-10", "2026-09", "2026-08"]
    assert site.get("/api/reports?page=1").json()["months"] == data["months"]
    for query in ("?page=2", "?page=0", "?page=abc", "?page=99999"):
        assert site.get("/api/reports" + query).status_code == 404, query
        assert site.get("/reports" + query).status_code == 404, query


def test_a_slug_no_partner_could_have_is_not_found(site: httpx.Client) -> None:
    response = site.get("/api/partners/" + "X" * 500)
    assert response.status_code == 404
    assert response.json()["error"].startswith("no listed partner")
