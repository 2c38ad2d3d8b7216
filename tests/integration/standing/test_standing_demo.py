"""The demo shows a partner sliding down the ladder and one coming back."""

from __future__ import annotations

from pathlib import Path

from bot.demo.main import run_demo


def test_the_demo_shows_gamma_removed_and_beta_welcomed_back(tmp_path: Path) -> None:
    printed: list[str] = []
    run_demo(tmp_path / "demo", echo=printed.append)
    out = "\n".join(printed)
    assert "evaluated 2026-08: acme level 0, beta level 1 (1 short), gamma level 1 (1 short)" in out
    assert "evaluated 2026-09: acme level 0, beta level 0, gamma level 2 (2 short)" in out
    assert "evaluated 2026-10: acme level 0, beta level 0, gamma level 3 (3 short)" in out
    assert "*Welcome back, Beta Pedagogy!*" in out
    public = out.split("- #C0NEWS (standing:gamma:2026-10:announcement)\n", 1)[1].splitlines()[0]
    assert "Gamma Hosting is no longer listed" in public
    assert "$" not in public and "financial" not in public
    assert "gamma            Gamma Hosting: not in good standing" in out
