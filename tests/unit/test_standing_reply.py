"""/credit standing's reply stays within Slack's limits however many partners there are."""

from __future__ import annotations

from bot.messages.slack.standing import MAX_REPLY_CHARS, PartnerFigures, programme_standing
from scoring.months import Month

NOV = Month(2026, 11)


def partner(n: int, points: int, level: int = 0) -> PartnerFigures:
    return PartnerFigures(f"p{n:03}", f"Partner {n:03}", level, points, 10, 100.0, 100)


def test_two_hundred_partners_fit_with_those_at_risk_first_and_the_rest_counted() -> None:
    figures = [partner(n, 3, level=1) for n in range(40)] + [partner(n, 12) for n in range(40, 200)]
    text = programme_standing(figures, NOV)
    assert len(text) <= MAX_REPLY_CHARS
    lines = text.splitlines()
    assert lines[1] == "*At risk (40)*"
    assert lines[2].startswith("• *Partner 000* (p000): 3 of 10 points")
    shown = sum(1 for line in lines if line.startswith("•"))
    assert lines[-2] == f"…and {200 - shown} more: `creditbot standing` lists every partner."
    assert lines[-1].startswith("Code-of-conduct records are never shown in Slack")


def test_a_programme_without_partners_says_so() -> None:
    assert programme_standing([], NOV).endswith("No organisation is a partner yet.")
