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
    assert (
        "  ledger: Grace Kim, support, 2 points, 2026-11-01 08:20 UTC "
        "(the time of her answer), for no organisation"
    ) in lines


def test_the_demo_shows_thanks_in_portuguese_and_a_busy_thread_credited_to_the_helper(
    runtime: Runtime,
) -> None:
    lines: list[str] = []
    replay_slack_conversation(runtime, lines.append)
    text = "\n".join(lines)
    portuguese = text.index("Slack: a thank-you in Portuguese")
    busy = text.index("Slack: several people in a thread")
    asked_portuguese = text[portuguese:busy]
    assert "Paula Souza: muito obrigada, funcionou!" in asked_portuguese
    assert "@Grace Kim in #help" in asked_portuguese
    asked_busy = text[busy:]
    assert "Paula Souza: +1 same here" in asked_busy
    assert "@Grace Kim in #help" in asked_busy
    assert "@Omar Haddad in #help" not in asked_busy
    assert 'said "that was it, thanks Grace!", naming @Grace Kim' in asked_busy
