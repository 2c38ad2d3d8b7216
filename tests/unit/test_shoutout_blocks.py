"""The shout-out's Block Kit stays within Slack's limits, whatever the community's size."""

from __future__ import annotations

from typing import Any

from bot.messages.slack.limits import MAX_BLOCKS
from bot.messages.slack.shoutout import draft_message, shoutout_message
from scoring.shoutout import (
    Correction,
    PointsChange,
    ShoutoutContent,
    ShoutoutMember,
    ShoutoutOrganisation,
)


def community(members: int, organisations: int, **extra: Any) -> ShoutoutContent:
    people = tuple(
        ShoutoutMember(
            rank=i + 1,
            name=f"Contributor number {i:03d} with a rather long display name",
            points=1000 - i,
            credits=3,
            organisation=f"Organisation {i % organisations:02d} of the large community",
            slack_id=f"U{i:08d}" if i % 3 else None,
            discourse_username=f"forum_user_{i:03d}" if i % 2 else None,
        )
        for i in range(members)
    )
    orgs = tuple(
        ShoutoutOrganisation(
            rank=i + 1,
            slug=f"org-{i:02d}",
            name=f"Organisation {i:02d} of the large community & friends",
            points=5000 - i * 10,
            previous_points=4000 + i,
            previous_rank=(i + 7) % organisations + 1,
        )
        for i in range(organisations)
    )
    fields: dict[str, Any] = {
        "month": "2026-10",
        "label": "October 2026",
        "members": people,
        "more_members": 0,
        "organisations": orgs,
        "more_organisations": 0,
        "contributors": members,
        "total_points": 123456,
        "total_credits": 4567,
        "new_contributors": 40,
        "new_members": 75,
        "how_to_get_listed": "Help someone, review a pull request, give a talk. " * 5,
    }
    fields.update(extra)
    return ShoutoutContent(**fields)


def check_limits(message: dict[str, Any], max_blocks: int = MAX_BLOCKS) -> None:
    blocks = message["blocks"]
    assert 0 < len(blocks) <= max_blocks
    assert 0 < len(message["text"]) <= 3000
    for block in blocks:
        if block["type"] == "header":
            assert 0 < len(block["text"]["text"]) <= 150
            assert block["text"]["type"] == "plain_text"
        if block["type"] == "section":
            assert 0 < len(block["text"]["text"]) <= 3000
        if block["type"] == "context":
            assert 0 < len(block["elements"]) <= 10
            assert all(len(e["text"]) <= 3000 for e in block["elements"])


def texts(message: dict[str, Any]) -> str:
    return "\n".join(b["text"]["text"] for b in message["blocks"] if b["type"] == "section")


def test_two_hundred_contributors_and_fifty_organisations_fit_in_one_message() -> None:
    message = shoutout_message(community(200, 50))
    check_limits(message)
    shown = texts(message)
    assert "1. *Organisation 00 of the large community &amp; friends*" in shown
    assert "<@U00000001>" in shown
    assert "Contributor number 000 with a rather long display name" in shown
    assert "\n200. " in shown and "…and" not in shown  # everyone fits: nobody is cut


def test_what_does_not_fit_is_counted_not_dropped_silently() -> None:
    huge = community(
        1000,
        300,
        note="A long word from the programme team. " * 60,
        corrections=tuple(
            Correction(
                f"2026-{m:02d}",
                tuple(PointsChange(str(i), f"Person {i}", i, i + 1) for i in range(40)),
            )
            for m in range(1, 10)
        ),
    )
    message = shoutout_message(huge)
    check_limits(message)
    assert "more. Thank you all!" in texts(message)
    assert "How to get on this list" in message["blocks"][-1]["elements"][0]["text"]


def test_the_programme_managers_draft_fits_too() -> None:
    message = draft_message(community(200, 50), "C01SHOUT", "on Sunday 1 November at 09:00")
    check_limits(message)
    assert message["blocks"][0]["text"]["text"].startswith(":memo: *Draft:*")


def test_the_default_top_ten_lists_everyone_it_names_in_one_section_each() -> None:
    content = community(10, 10)
    message = shoutout_message(content)
    check_limits(message)
    sections = [b for b in message["blocks"] if b["type"] == "section"]
    assert sum(1 for s in sections if s["text"]["text"].startswith("*Top contributors*")) == 1
    assert "…and" not in texts(message)
