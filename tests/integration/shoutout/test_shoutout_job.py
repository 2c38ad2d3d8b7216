"""The monthly shout-out job: what it writes to the outbox and to the frozen record."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from bot.errors import InvalidInput
from bot.jobs.registry import JOBS
from bot.jobs.runs import RunResult, RunStatus, run_job
from bot.jobs.shoutout import set_note
from bot.runtime import Runtime
from bot.services.ledger.published import report_for
from storage.repositories.outbox import OutboxMessage
from tests.support.builders.shoutout import give, september_and_october, withdraw
from tests.support.clock import FixedClock
from tests.support.months import NOV, OCT, SEP


def run(runtime: Runtime, job: str, period: str) -> RunResult:
    return run_job(runtime, JOBS[job], period, owner="test")


def outbox(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.reader() as uow:
        return sorted(uow.outbox.list(limit=100), key=lambda m: m.id)


def slack_text(message: OutboxMessage) -> str:
    """Every text of a Block Kit message, joined."""
    texts: list[str] = []
    for block in message.payload["blocks"]:
        if "text" in block:
            texts.append(block["text"]["text"])
        texts += [e["text"] for e in block.get("elements", [])]
    return "\n".join(texts)


def test_the_shoutout_goes_to_the_slack_channel_and_the_forum_category(
    runtime: Runtime,
) -> None:
    september_and_october(runtime)
    result = run(runtime, "monthly-shoutout", "2026-10")
    assert result.status == RunStatus.DONE
    assert result.outcome is not None
    assert result.outcome.outbox_keys == (
        "shoutout:slack:C01SHOUT:2026-10",
        "shoutout:discourse:5:2026-10",
    )
    slack, forum = outbox(runtime)
    assert (slack.channel, slack.kind, slack.target) == ("slack", "post", "C01SHOUT")
    assert (forum.channel, forum.kind, forum.target) == ("discourse", "topic", "5")
    assert forum.payload["external_id"] == "creditbot-shoutout-2026-10"
    assert forum.payload["title"] == "Contributions in October 2026: thank you!"


def test_people_are_mentioned_in_slack_when_they_can_be_and_by_forum_name_otherwise(
    runtime: Runtime,
) -> None:
    september_and_october(runtime)
    run(runtime, "monthly-shoutout", "2026-10")
    slack, forum = outbox(runtime)
    text = slack_text(slack)
    assert "1. <@U01HUGO> — *20* points · Core Team" in text
    assert "2. <@U01BOB> — *6* points · Beta Pedagogy" in text
    assert "3. <@U01ALICE> — *5* points · Acme Learning" in text
    assert "4. Esther Okafor (@esther on the forum) — *3* points · Beta Pedagogy" in text
    assert "5. Jon Park — *2* points" in text
    raw = forum.payload["raw"]
    assert "| 3 | @alice | Acme Learning | 5 |" in raw
    assert "| 2 | Bob Chen | Beta Pedagogy | 6 |" in raw
    assert "| 4 | @esther | Beta Pedagogy | 3 |" in raw
    assert "Thank you to the **5 people** who contributed in October 2026" in raw
    assert slack.payload["text"].startswith("Contributions in October 2026: thank you to the 5")


def test_organisations_show_their_movement_with_arrows_and_staff_is_left_out(
    runtime: Runtime,
) -> None:
    september_and_october(runtime)
    run(runtime, "monthly-shoutout", "2026-10")
    slack, forum = outbox(runtime)
    text = slack_text(slack)
    assert "1. *Beta Pedagogy* — 9 points · ▲ 1 (+5 since last month)" in text
    assert "2. *Acme Learning* — 5 points · ▼ 1 (-5 since last month)" in text
    assert "Core Team" not in text.split("*Top organisations*")[1]
    assert "| 1 | Beta Pedagogy | 9 | ▲ 1 (+5 points) |" in forum.payload["raw"]
    assert "*New this month:* 3 new contributors and 3 new members" in text


def test_staff_organisations_are_ranked_when_the_programme_says_so(
    runtime: Runtime, config_data: dict[str, Any]
) -> None:
    from bot.config import parse_config

    config_data["shoutout"] = {"exclude_staff": False}
    runtime.config = parse_config(config_data, "test")
    september_and_october(runtime)
    run(runtime, "monthly-shoutout", "2026-10")
    slack, _ = outbox(runtime)
    assert "1. *Core Team* — 20 points · new" in slack_text(slack)


def test_a_second_run_for_the_same_month_writes_nothing_more(runtime: Runtime) -> None:
    september_and_october(runtime)
    run(runtime, "monthly-shoutout", "2026-10")
    give(runtime, "Alice Martin", OCT, 50, day=20)  # a late credit changes nothing posted
    again = run(runtime, "monthly-shoutout", "2026-10")
    assert again.status == RunStatus.ALREADY_DONE
    assert len(outbox(runtime)) == 2
    assert "*5* points" in slack_text(outbox(runtime)[0])


def test_a_month_with_nothing_gives_a_short_friendly_post(runtime: Runtime) -> None:
    result = run(runtime, "monthly-shoutout", "2026-10")
    assert result.status == RunStatus.DONE
    slack, forum = outbox(runtime)
    assert "a quiet month" in slack_text(slack)
    assert "How to get on this list" in slack_text(slack)
    assert len(slack.payload["blocks"]) <= 6
    assert forum.payload["title"] == "Contributions in October 2026: a quiet month"
    assert "No contributions were credited in October 2026" in forum.payload["raw"]


def test_a_note_from_the_programme_team_opens_the_shoutout_until_it_is_published(
    runtime: Runtime,
) -> None:
    give(runtime, "Alice Martin", OCT, 5)
    set_note(runtime, OCT, "Thanks for a <great> Hacktoberfest & see you at the meetup!", "pm")
    run(runtime, "monthly-shoutout", "2026-10")
    slack, forum = outbox(runtime)
    assert "Thanks for a &lt;great&gt; Hacktoberfest &amp; see you" in slack_text(slack)
    assert "> Thanks for a <great> Hacktoberfest & see you at the meetup!" in forum.payload["raw"]
    with pytest.raises(InvalidInput, match="already published"):
        set_note(runtime, OCT, "too late", "pm")


def test_someone_who_asked_not_to_be_shown_is_counted_but_not_named(runtime: Runtime) -> None:
    give(runtime, "Alice Martin", OCT, 5)
    give(runtime, "Bob Chen", OCT, 3)
    with runtime.uow() as uow:
        from scoring.models import Identity, IdentityKind

        bob = uow.members.find(Identity(IdentityKind.SLACK, "U01BOB"))
        assert bob is not None
        uow.members.set_flags(bob.id, show_publicly=False)
        uow.commit()
    run(runtime, "monthly-shoutout", "2026-10")
    text = slack_text(outbox(runtime)[0])
    assert "U01BOB" not in text and "Bob" not in text
    assert "…and 1 more" in text
    assert "*2 people*" in text


def test_corrections_after_publication_show_next_month_and_the_record_stays_as_published(
    runtime: Runtime, clock: FixedClock
) -> None:
    late = give(runtime, "Alice Martin", SEP, 10)
    give(runtime, "Bob Chen", SEP, 4)
    clock.set(datetime(2026, 10, 1, 9, tzinfo=UTC))
    run(runtime, "monthly-shoutout", "2026-09")
    # After publication: Esther gets a September credit, Alice's is withdrawn.
    give(runtime, "Esther Okafor", SEP, 3, day=29)
    withdraw(runtime, late)
    give(runtime, "Bob Chen", OCT, 2)

    with runtime.reader() as uow:
        published = report_for(uow, runtime.config, SEP)
        live = report_for(uow, runtime.config, SEP, live=True)
    assert published.published_at == datetime(2026, 10, 1, 9, tzinfo=UTC)
    assert [(m.name, m.points) for m in published.report.members] == [
        ("Alice Martin", 10),
        ("Bob Chen", 4),
    ]
    assert [(m.name, m.points) for m in live.report.members] == [
        ("Bob Chen", 4),
        ("Esther Okafor", 3),
    ]

    clock.set(datetime(2026, 11, 1, 9, tzinfo=UTC))
    run(runtime, "monthly-shoutout", "2026-10")
    october = [m for m in outbox(runtime) if m.key.endswith("2026-10")]
    text = slack_text(october[0])
    assert "*Corrections to earlier months*" in text
    assert (
        "September 2026: <@U01ALICE> 10 → 0 points (-10); Esther Okafor (@esther on the forum) "
        "0 → 3 points (+3); Acme Learning 10 → 0 points (-10); Beta Pedagogy 4 → 7 points (+3)"
    ) in text
    assert (
        "- September 2026: @alice 10 → 0 points (-10); @esther 0 → 3 points (+3)"
        in (october[1].payload["raw"])
    )
    # Shown once: November's shout-out has no correction left to make.
    clock.set(datetime(2026, 12, 1, 9, tzinfo=UTC))
    run(runtime, "monthly-shoutout", "2026-11")
    november = [m for m in outbox(runtime) if m.key.endswith(str(NOV))]
    assert "Corrections" not in slack_text(november[0])


def test_programme_managers_get_a_private_draft_before_the_post(
    runtime: Runtime, clock: FixedClock
) -> None:
    september_and_october(runtime)
    clock.set(datetime(2026, 11, 1, 8, 0, tzinfo=UTC))
    draft = run(runtime, "shoutout-draft", "2026-10")
    assert draft.status == RunStatus.DONE
    (dm,) = outbox(runtime)
    assert (dm.key, dm.kind, dm.target) == ("shoutout-draft:slack:U01PM:2026-10", "dm", "U01PM")
    text = slack_text(dm)
    assert "*Draft:* this is the shout-out for October 2026, to be posted in <#C01SHOUT>" in text
    assert "on Sunday 1 November at 09:00 (UTC)" in text
    assert "<@U01BOB>" in text
    assert len(dm.payload["blocks"]) <= 50


def test_no_draft_once_the_post_time_has_passed(runtime: Runtime, clock: FixedClock) -> None:
    clock.set(datetime(2026, 11, 3, 10, 0, tzinfo=UTC))
    result = run(runtime, "shoutout-draft", "2026-10")
    assert result.outcome is not None and "too late" in result.outcome.summary
    assert outbox(runtime) == []
