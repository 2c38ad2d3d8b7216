"""The demo shows the ladder going down and coming back, a waive, a removal and an
organisation that qualifies as a partner."""

from __future__ import annotations

from pathlib import Path

from bot.demo.main import run_demo


def test_the_demo_shows_the_ladder_down_and_back_and_delta_qualifying(tmp_path: Path) -> None:
    printed: list[str] = []
    run_demo(tmp_path / "demo", echo=printed.append)
    out = "\n".join(printed)
    assert "evaluated 2026-08: acme level 0, beta level 1 (1 short), gamma level 1 (1 short)" in out
    assert "evaluated 2026-09: acme level 0, beta level 2 (1 short), gamma level 2 (1 short)" in out
    assert "evaluated 2026-10: acme level 0, beta level 0, gamma level 3 (1 short)" in out
    assert "this is the second month in a row, so referrals" in out
    assert "*Welcome back, Beta Pedagogy!*" in out
    assert "creditbot standing waive --org beta --month 2026-09 --reason" in out
    assert "beta: waived 2026-09 (decision 1)" in out
    public = out.split("- #C0NEWS (standing:gamma:2026-10:announcement)\n", 1)[1].splitlines()[0]
    assert "Gamma Hosting is no longer listed" in public
    assert "$" not in public and "financial" not in public
    assert "gamma            Gamma Hosting: not in good standing" in out
    assert "*Delta Tutors now qualifies as a partner* (private)" in out
    assert "  delta: 2026-08: 12 points, $100.00; 2026-09: 12 points, $100.00;" in out
