"""The demo's Distinguished Contributor step: a whole cycle, and what would be posted."""

from __future__ import annotations

from bot.demo.distinguished import run_distinguished_demo
from bot.runtime import Runtime
from tests.support.builders.distinguished import person


def test_the_demo_step_runs_a_cycle_and_prints_counts_never_voters(runtime: Runtime) -> None:
    person(runtime, "U0ALICE", "Alice Martin", forum="alice")
    lines: list[str] = []
    run_distinguished_demo(runtime, lines.append)
    out = "\n".join(lines)
    assert "Alice Martin nominated for Distinguished Engineer by U0BOB" in out
    assert "a nomination without a track is refused: Please name a track" in out
    assert "a vote on the partner nomination is refused: Only members of the review panel" in out
    assert "votes cast (counts only): engineer 4 of 4, partner 1 of 4" in out
    assert (
        "engineer: approved (3 approve, 0 decline, 1 abstain of 4 seats); "
        "member from 2026-12-01 to 2028-12-01"
    ) in out
    assert "partner: no quorum (1 approve, 0 decline, 0 abstain of 4 seats)" in out
    assert "[dc:nomination:1:decided] slack update -> C0PANEL" in out
    for seat in ("U0LEAD", "U0HUGO", "U0PM", "U0GRACE"):
        assert seat not in out
