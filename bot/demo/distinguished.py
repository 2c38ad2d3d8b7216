"""The Distinguished Contributor step of ``creditbot demo``: one cycle, start to finish.

On the demo's community, with a panel of four (two core committers, a programme
manager, a community seat): Bob nominates Alice Martin as a Distinguished Engineer on
1 October 2026, and Kofi nominates Acme Learning as a Distinguished Partner. The panel
votes (one vote changed, one refused because the voter is not on the panel); on
1 December the decision job records Alice's approval and Acme's missing quorum, and the
demo prints what would be posted: the panel's messages, their updates, the
announcement and the badge. Who voted how is never printed, only counts.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.config import ProgrammeConfig, parse_config
from bot.errors import InvalidInput
from bot.runtime import Runtime
from bot.services.distinguished.common import nominee_name, track_name
from bot.services.distinguished.cycle import decide_cycle, nominate, vote
from storage.repositories.outbox import OutboxMessage

NOMINATED_AT = datetime(2026, 10, 1, 10, 0, tzinfo=UTC)
VOTED_AT = datetime(2026, 11, 20, 16, 0, tzinfo=UTC)
DECIDED_AT = datetime(2026, 12, 1, 8, 0, tzinfo=UTC)  # 09:00 in Paris, the shout-out hour

DEMO_PROGRAMME: dict[str, Any] = {
    "review_channel": "C0PANEL",
    "announcements_channel": "C0NEWS",
    "panel": [
        {"user": "U0LEAD", "constituency": "core-committers"},
        {"user": "U0HUGO", "constituency": "core-committers"},
        {"user": "U0PM", "constituency": "programme"},
        {"user": "U0GRACE", "constituency": "community"},
    ],
}


def _at(runtime: Runtime, moment: datetime) -> Runtime:
    return dataclasses.replace(runtime, clock=lambda: moment)


def _show(message: OutboxMessage, echo: Callable[[str], None]) -> None:
    payload = message.payload
    where = f"{message.channel} {message.kind} -> {message.target}"
    echo(f"  [{message.key}] {where}")
    if message.channel == "slack":
        echo(f"    {payload.get('text', '')}")
    elif message.kind == "badge":
        echo(f"    badge '{payload.get('name')}' for {message.target}")
    else:
        echo(f"    {payload.get('title', '')}")
        for line in str(payload.get("raw", "")).splitlines()[:6]:
            echo(f"    | {line}")


def _new_messages(runtime: Runtime, seen: set[str]) -> list[OutboxMessage]:
    with runtime.reader() as uow:
        fresh = [m for m in uow.outbox.list(limit=1000) if m.key.startswith("dc:")]
    fresh = [m for m in fresh if m.key not in seen]
    seen.update(m.key for m in fresh)
    return sorted(fresh, key=lambda m: m.id)


def run_distinguished_demo(runtime: Runtime, echo: Callable[[str], None] = print) -> None:
    """Nominate, vote, decide on the demo community and print what would be posted."""
    data = runtime.config.model_dump(mode="json")
    data["distinguished"] = DEMO_PROGRAMME
    config = parse_config(data, "demo configuration")
    base = dataclasses.replace(runtime, config=config)
    seen: set[str] = set()

    echo("")
    echo("Distinguished Contributor programme (the 2026 cycle)")
    ids = _nominations(base, config, seen, echo)
    _votes(base, config, ids, echo)
    _decision(base, config, seen, echo)


def _nominations(
    base: Runtime, config: ProgrammeConfig, seen: set[str], echo: Callable[[str], None]
) -> dict[str, int]:
    """Two nominations and a refused one; the panel's messages, marked as posted."""
    nominating = _at(base, NOMINATED_AT)
    ids: dict[str, int] = {}
    with nominating.uow() as uow:
        for nominator, nominee, track, why, links in (
            (
                "U0BOB",
                "<@U0ALICE|alice>",
                "engineer",
                "Alice rewrote the scheduler and reviews half of all pull requests.",
                ["https://example.org/pulls?author=alice"],
            ),
            ("U0KOFI", "acme", "partner", "Acme hosts the monthly meetup.", []),
        ):
            made = nominate(
                uow,
                config,
                nominator=nominator,
                nominee=nominee,
                track=track,
                justification=why,
                links=links,
                now=nominating.now(),
            )
            ids[track] = made.nomination.id
            evidence = made.nomination.evidence
            echo(
                f"  {nominee_name(uow, made.nomination)} nominated for "
                f"{track_name(config, track)} by {nominator} "
                f"({evidence['total_points']} points in 12 months, "
                f"{evidence['track_points']} in the track)"
            )
        try:
            nominate(
                uow,
                config,
                nominator="U0KOFI",
                nominee="U0ALICE",
                track="",
                justification="Again!",
                links=[],
                now=nominating.now(),
            )
        except InvalidInput as refusal:
            echo(f"  a nomination without a track is refused: {refusal}")
        uow.commit()
    for message in _new_messages(base, seen):
        _show(message, echo)
    with base.uow() as uow:  # the outbox worker would post them; Slack gives each a ts
        for number, message in enumerate(_new_messages_all(base), start=1):
            uow.outbox.mark_sent(message.id, f"1790000000.{number:06d}", NOMINATED_AT)
        uow.commit()
    return ids


def _votes(
    base: Runtime, config: ProgrammeConfig, ids: dict[str, int], echo: Callable[[str], None]
) -> None:
    """The panel's votes (one changed, one from outside the panel refused); counts only."""
    voting = _at(base, VOTED_AT)
    ballots = [
        ("engineer", "U0LEAD", "approve"),
        ("engineer", "U0HUGO", "decline"),
        ("engineer", "U0HUGO", "approve"),  # changed: only the latest counts
        ("engineer", "U0PM", "approve"),
        ("engineer", "U0GRACE", "abstain"),
        ("partner", "U0PM", "approve"),
        ("partner", "U0BOB", "approve"),  # not on the panel
    ]
    with voting.uow() as uow:
        for track, voter, value in ballots:
            try:
                result = vote(
                    uow,
                    config,
                    nomination_id=ids[track],
                    voter=voter,
                    vote=value,
                    now=voting.now(),
                )
            except InvalidInput as refusal:
                echo(f"  a vote on the {track} nomination is refused: {refusal}")
                continue
            if result.changed:
                echo(f"  a panel member changed their vote on the {track} nomination")
        uow.commit()
        counts = {t: uow.distinguished.vote_counts(i) for t, i in ids.items()}
    echo(
        "  votes cast (counts only): "
        + ", ".join(f"{track} {count} of 4" for track, count in counts.items())
    )


def _decision(
    base: Runtime, config: ProgrammeConfig, seen: set[str], echo: Callable[[str], None]
) -> None:
    """The decision day: each outcome with its tally, and what would be posted."""
    deciding = _at(base, DECIDED_AT)
    with deciding.uow() as uow:
        outcome = decide_cycle(uow, config, 2026, deciding.now())
        uow.commit()
    echo(f"  1 December 2026: {outcome.summary}")
    for decision in outcome.decisions:
        t = decision.tally
        term = ""
        if decision.membership is not None:
            term = f"; member from {decision.membership.started} to {decision.membership.ends}"
        echo(
            f"    {decision.nomination.track}: {decision.outcome.replace('_', ' ')} "
            f"({t.approve} approve, "
            f"{t.decline} decline, {t.abstain} abstain of {t.seats} seats){term}"
        )
    echo("  what would be posted:")
    for message in _new_messages(base, seen):
        _show(message, echo)


def _new_messages_all(runtime: Runtime) -> list[OutboxMessage]:
    with runtime.reader() as uow:
        return [
            m
            for m in uow.outbox.list(statuses=("pending",), limit=1000)
            if m.key.startswith("dc:nomination:")
        ]
