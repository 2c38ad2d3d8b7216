"""The static export gives each directory term a folder of its own: "C++" and "C" (or
"C#") no longer share ``partners/service/c/``, where one would overwrite the other."""

from __future__ import annotations

from pathlib import Path

from bot.runtime import Runtime
from bot.services.partners.profiles import parse_profile, set_profile
from bot.web.export import build_site
from tests.integration.web.community import NOW, PROFILES
from tests.scenario.web.html import cards


def test_services_that_differ_only_by_symbols_get_pages_of_their_own(
    community: Runtime, tmp_path: Path
) -> None:
    with community.uow() as uow:
        for slug, services in (("acme", ["C++"]), ("gamma", ["C"]), ("delta", ["C#"])):
            data = PROFILES[slug] | {"services": services}
            set_profile(uow, slug, parse_profile(data, slug), "U01PM", NOW)
        uow.commit()
    out = build_site(community, tmp_path / "site").out
    pages = sorted(p.parent.name for p in (out / "partners/service").glob("*/index.html"))
    assert len(pages) == len(set(pages)) >= 3
    shown = {
        frozenset(slug for slug, _ in cards(page.read_text(encoding="utf-8")))
        for page in (out / "partners/service").glob("*/index.html")
    }
    assert {frozenset({"acme"}), frozenset({"gamma"}), frozenset({"delta"})} <= shown
