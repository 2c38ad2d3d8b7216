"""The demo ends with the public pages: profiles, fair leads and the static site."""

from __future__ import annotations

from pathlib import Path

from bot.config import load_config
from bot.demo.main import DEMO_CONFIG, run_demo
from tests.scenario.web.html import cards


def test_the_demo_builds_the_static_site_and_says_where_to_open_it(tmp_path: Path) -> None:
    printed: list[str] = []
    folder = tmp_path / "demo"
    run_demo(folder, echo=printed.append)
    out = "\n".join(printed)
    index = (folder / "site" / "index.html").resolve()
    assert f"static site: open {index} in a browser" in out
    assert "creditbot site serve --at 2026-11-01" in out
    assert f"CREDITBOT_CONFIG={(folder / 'creditbot.yml').resolve()}" in out
    written = load_config(str(folder / "creditbot.yml"))  # what `site serve` will read
    assert written.timezone == DEMO_CONFIG["timezone"]
    assert [o.slug for o in written.organisations] == ["acme", "beta", "gamma", "delta", "core"]
    assert "lead 1: Hosting in Europe -> Acme Learning" in out
    assert "lead 2: Development in Europe -> Beta Pedagogy" in out
    assert "lead 3: Development in Europe -> Acme Learning" in out
    assert "Gamma Hosting (not listed)" in out
    # Gamma was removed from the list in October: absent from the directory.
    assert [slug for slug, _ in cards(index.read_text(encoding="utf-8"))] == ["beta", "acme"]
    acme = (folder / "site" / "partners" / "acme" / "index.html").read_text(encoding="utf-8")
    assert "Alice Martin" in acme and "Kofi" not in acme
