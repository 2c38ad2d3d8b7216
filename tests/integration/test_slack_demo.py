"""The demo's Slack step: a thread, the question it raises, a team lead's Yes, the credit."""

from __future__ import annotations

from typing import Any

import pytest

from bot.demo.slack import replay_slack_conversation
from bot.runtime import Runtime


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["slack"]["team_leads"] = ["U0LEAD"]
    return config_data


def test_the_demo_conversation_asks_the_question_and_credits_the_helper(
    runtime: Runtime,
) -> None:
    lines: list[str] = []
    replay_slack_conversation(runtime, lines.append)
    text = "\n".join(lines)
    assert "#help   ↳ Dmitri Ivanov: thanks @Grace Kim, that fixed it!" in text
    assert "  -> would post in #review:" in text
    assert "[type: support v] [Yes, credit it] [No]" in text
    assert "  -> would update the question in #review:" in text
    assert ":white_check_mark: Credited as *support*, 2 points by @Lee Lead" in text
    assert lines[-1] == (
        "  ledger: Grace Kim, support, 2 points, 2026-11-01 08:20 UTC "
        "(the time of her answer), for no organisation"
    )
