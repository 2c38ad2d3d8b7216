"""``creditbot site build``: the same pages as static files whose links all resolve."""

from __future__ import annotations

import json
import posixpath
from collections.abc import Callable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

from bot.errors import InvalidInput
from bot.runtime import Runtime
from bot.web.export import build_site
from tests.integration.web.community import OCT, step
from tests.scenario.web.html import cards, read

AT = "2026-11-01T09:00:00Z"


def local_targets(site: Path) -> dict[str, list[str]]:
    """For each page, its links and resources that stay inside the site."""
    found: dict[str, list[str]] = {}
    for page in site.rglob("*.html"):
        parsed = read(page.read_text(encoding="utf-8"))
        found[str(page.relative_to(site))] = [
            ref
            for ref in parsed.links + parsed.sources
            if not urlsplit(ref).scheme and not ref.startswith("#")
        ]
    return found


def test_every_link_of_the_static_site_resolves_to_a_file(
    cli: Callable[..., Any], community: Runtime, tmp_path: Path
) -> None:
    out = tmp_path / "site"
    result = cli("site", "build", "--out", str(out), "--at", AT)
    assert result.code == 0, result.err
    assert f"open {(out / 'index.html').resolve()}" in result.out
    targets = local_targets(out)
    assert len(targets) > 20
    checked = 0
    for page, refs in targets.items():
        for ref in refs:
            assert not ref.startswith("/"), f"{page}: {ref} would not work from a folder"
            path = urlsplit(ref).path
            target = posixpath.normpath(posixpath.join(posixpath.dirname(page), path))
            assert (out / target).is_file(), f"{page}: {ref} -> {target} is missing"
            checked += 1
    assert checked > 200


def test_the_static_site_has_the_directory_partners_filters_reports_and_json(
    community: Runtime, tmp_path: Path
) -> None:
    out = build_site(community, tmp_path / "site").out
    index = (out / "index.html").read_text(encoding="utf-8")
    assert [slug for slug, _ in cards(index)] == ["acme", "gamma", "beta", "delta", "zeta"]
    assert 'href="partners/acme/index.html"' in index
    assert 'href="static/site.css"' in index
    assert "<form" not in index  # filters are pages of their own here
    hosting = (out / "partners/service/hosting/index.html").read_text(encoding="utf-8")
    assert [slug for slug, _ in cards(hosting)] == ["acme", "gamma", "delta"]
    acme = (out / "partners/acme/index.html").read_text(encoding="utf-8")
    assert "<svg" in acme and 'href="../../static/site.css"' in acme
    assert not (out / "partners/epsilon").exists()
    for name in ("partners/2025", "partners/2026", "reports", "reports/2026-10", "reports/leads"):
        assert (out / name / "index.html").is_file(), name
    data = json.loads((out / "api/partners.json").read_text(encoding="utf-8"))
    assert data["featured"] == ["acme", "gamma", "beta"]
    assert json.loads((out / "api/reports/leads.json").read_text())["quarters"][0]["total"] == 1


def test_a_rebuild_drops_the_page_of_a_partner_no_longer_listed(
    community: Runtime, tmp_path: Path
) -> None:
    out = build_site(community, tmp_path / "site").out
    assert (out / "partners/zeta/index.html").is_file()
    step(community, "zeta", OCT, 3, ("removed",))
    build_site(community, out)
    assert not (out / "partners/zeta").exists()


def test_a_folder_with_other_files_is_never_overwritten(community: Runtime, tmp_path: Path) -> None:
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(InvalidInput, match="is not empty and was not built by creditbot"):
        build_site(community, out)
    assert (out / "notes.txt").read_text() == "keep me"
