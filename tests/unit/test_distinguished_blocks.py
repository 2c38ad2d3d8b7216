"""The panel's review message: everything the panel needs, never who voted how, within
Slack's Block Kit limits."""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from bot.messages.slack.distinguished import (
    ACTION_ABSTAIN,
    ACTION_APPROVE,
    ACTION_DECLINE,
    decided_message,
    history_lines,
    nomination_message,
)
from scoring.distinguished import Contribution, credit_history, tally


@dataclass(frozen=True)
class Nomination:
    """The fields of the repository's nomination these messages read."""

    id: int = 7
    cycle: int = 2026
    nominator: str = "U0BOB"
    justification: str = "Reviewed every release & fixed <the> build"
    links: Sequence[str] = ("https://git.example/pr/1", "https://talks.example/ada")
    evidence: Mapping[str, Any] = field(default_factory=dict)


def evidence() -> dict[str, object]:
    credits = [
        Contribution(date(2025, 11, 3), "code", 5),
        Contribution(date(2026, 2, 14), "review", 3),
        Contribution(date(2026, 2, 20), "code", 5),
        Contribution(date(2026, 9, 1), "talk", 8),
    ]
    return credit_history(credits, ("code", "review"), date(2025, 10, 1)).as_dict()


def texts(message: dict[str, Any]) -> str:
    return json.dumps(message["blocks"], ensure_ascii=False)


def check_limits(message: dict[str, Any]) -> None:
    assert 0 < len(message["text"]) <= 3000
    assert 0 < len(message["blocks"]) <= 50
    for block in message["blocks"]:
        if block["type"] == "header":
            assert len(block["text"]["text"]) <= 150
        if block["type"] == "section":
            if "text" in block:
                assert len(block["text"]["text"]) <= 3000
            for item in block.get("fields", []):
                assert len(item["text"]) <= 2000
            assert len(block.get("fields", [])) <= 10
        if block["type"] == "actions":
            for element in block["elements"]:
                assert len(element["text"]["text"]) <= 75


def test_the_panel_sees_the_nominee_the_evidence_and_three_buttons_with_the_nomination_id() -> None:
    message = nomination_message(
        Nomination(evidence=evidence()), "Distinguished Engineer", "Ada Lovelace", 2
    )
    check_limits(message)
    shown = texts(message)
    assert "Ada Lovelace" in shown and "Distinguished Engineer" in shown
    assert "<@U0BOB>" in shown
    assert "Reviewed every release &amp; fixed &lt;the&gt; build" in shown
    assert "<https://git.example/pr/1>" in shown and "<https://talks.example/ada>" in shown
    assert "code 10 pts" in shown and "review 3 pts" in shown and "talk 8 pts" in shown
    assert "Total:* 21 pts (4 credits)" in shown
    assert "Nov 25 5" in shown and "Feb 26 8" in shown and "Dec 25 –" in shown
    assert "(code, review):* 13 pts" in shown
    assert "Votes cast: *2*" in shown
    actions = [b for b in message["blocks"] if b["type"] == "actions"]
    assert len(actions) == 1
    buttons = actions[0]["elements"]
    assert [b["action_id"] for b in buttons] == [ACTION_APPROVE, ACTION_DECLINE, ACTION_ABSTAIN]
    assert {b["value"] for b in buttons} == {"7"}
    assert "Votes cast: 2" in message["text"]


def test_a_nominee_without_credits_is_shown_as_such() -> None:
    empty = credit_history([], (), date(2025, 10, 1)).as_dict()
    assert history_lines(empty) == ["No credits in the last 12 months."]
    assert history_lines({}) == ["No credits in the last 12 months."]


def test_a_very_long_nomination_stays_within_block_kit_limits() -> None:
    nomination = Nomination(
        justification="Because " + "they helped everyone, always. " * 400,
        links=tuple(f"https://example.org/evidence/{i}" for i in range(60)),
        evidence=evidence(),
    )
    message = nomination_message(nomination, "Distinguished Engineer " * 10, "A" * 300, 0)
    check_limits(message)
    assert "…and 50 more" in texts(message)


def test_mentions_in_the_justification_stay_mentions() -> None:
    message = nomination_message(
        Nomination(justification="Mentored <@U0ALICE> in <#C0HELP> & <script>"), "Eng", "Ada", 0
    )
    assert "Mentored <@U0ALICE> in <#C0HELP> &amp; &lt;script&gt;" in texts(message)


def test_the_decided_message_shows_the_outcome_and_tally_and_no_buttons() -> None:
    result = tally(["approve", "approve", "decline", "abstain"], 5, 0.5, 0.5)
    message = decided_message(
        Nomination(evidence=evidence()), "Distinguished Engineer", "Ada", result
    )
    check_limits(message)
    shown = texts(message)
    assert not [b for b in message["blocks"] if b["type"] == "actions"]
    assert "Approved" in shown
    assert "Approve 2 · Decline 1 · Abstain 1 · 4 of 5 seats voted" in shown
    assert message["text"].startswith("Approved: Ada for Distinguished Engineer")
    stored = decided_message(Nomination(), "Eng", "Ada", tally([], 3, 0.5, 0.5).as_dict())
    assert "quorum was not reached" in texts(stored)
    assert "Approve 0 · Decline 0 · Abstain 0 · 0 of 3 seats voted" in texts(stored)
