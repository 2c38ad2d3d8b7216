"""The demo's Slack conversation, replayed through the same services as ``creditbot serve``.

A thread in #help: Dmitri asks, Grace answers, Dmitri thanks her. (Then two more, in
:mod:`bot.demo.threads`: thanks in Portuguese, and a busy thread.) The event payloads
are shaped as Slack sends them and go to :class:`bot.slack.handlers.services.SlackServices`;
a recording gateway stands for the Web API and prints what the bot would post. Then
a team lead presses "Yes" on the question, and the credit lands in the ledger.
"""

from __future__ import annotations

from typing import Any

from bot.demo.slack_workspace import (
    BOT_USER,
    HELP,
    LEAD,
    PEOPLE,
    TEAM,
    Echo,
    RecordingSlack,
    envelope,
    message_event,
    readable,
)
from bot.demo.threads import replay_more_threads
from bot.messages.slack.blocks import ACTION_TYPE, ACTION_YES, BLOCK_PREFIX
from bot.runtime import Runtime
from bot.slack.handlers.answers import Answer
from bot.slack.handlers.services import SlackServices
from scoring.models import Identity, IdentityKind

THREAD_TS = "1793520000.000100"  # 2026-11-01 08:00 UTC
ANSWER_TS = "1793521200.000200"
THANKS_TS = "1793521800.000300"

THREAD = [
    (THREAD_TS, "U0DMITRI", "How do I get the grade export to include late submissions?"),
    (
        ANSWER_TS,
        "U0GRACE",
        "Turn on *Include late work* under Gradebook → Export, then run the export again.",
    ),
]
THANKS = "thanks <@U0GRACE>, that fixed it!"


def replay_slack_conversation(runtime: Runtime, echo: Echo) -> None:
    """Replay the #help thread and a team lead's "Yes"; print what Slack would show."""
    config = runtime.config
    review = config.slack.review_channel or "review"
    slack = RecordingSlack(echo, {HELP: "help", review: "review"})
    services = SlackServices(runtime, slack)
    names = {user: name for user, (name, _email) in PEOPLE.items()}

    echo("")
    echo("Slack: a thank-you in a thread becomes a question, and a team lead's Yes a credit")
    for index, (ts, user, text) in enumerate(THREAD):
        slack.messages.append(message_event(user, text, ts, THREAD_TS if index else None))
        echo(f"  #help {'  ↳ ' if index else ''}{names[user]}: {readable(text)}")
        services.events.on_message(
            envelope(
                message_event(user, text, ts, THREAD_TS if index else None),
                f"Ev0DEMO{index}",
                int(float(ts)),
            ),
            BOT_USER,
        )
    echo(f"  #help   ↳ {names['U0DMITRI']}: {readable(THANKS)}")
    outcome = services.events.on_message(
        envelope(
            message_event("U0DMITRI", THANKS, THANKS_TS, THREAD_TS),
            "Ev0DEMO9",
            int(float(THANKS_TS)),
        ),
        BOT_USER,
    )
    if outcome.suggestion_id is None:
        echo(f"  (no question: {outcome.detail})")
        return

    echo(f"  {names[LEAD]} chooses 'support' and presses [Yes, credit it]")
    answer = Answer.from_block_actions(_yes_click(outcome.suggestion_id, review), accept=True)
    assert answer is not None
    note = services.answers.answer(answer)
    if note:
        echo(f"  ({note})")
    _show_credits(runtime, echo)
    replay_more_threads(services, slack, echo)


def _yes_click(suggestion_id: int, review: str) -> dict[str, Any]:
    """The team lead's click on [Yes, credit it] with 'support' chosen, as Slack sends it."""
    block_id = f"{BLOCK_PREFIX}{suggestion_id}"
    return {
        "type": "block_actions",
        "user": {"id": LEAD, "username": "lee", "team_id": TEAM},
        "container": {"type": "message", "message_ts": "1793523600.000001", "channel_id": review},
        "channel": {"id": review, "name": "review"},
        "state": {
            "values": {
                block_id: {
                    ACTION_TYPE: {"type": "static_select", "selected_option": {"value": "support"}}
                }
            }
        },
        "actions": [
            {
                "action_id": ACTION_YES,
                "block_id": block_id,
                "type": "button",
                "value": str(suggestion_id),
                "action_ts": "1793523700.000001",
            }
        ],
    }


def _show_credits(runtime: Runtime, echo: Echo) -> None:
    """Grace's credits from Slack, as the ledger holds them."""
    config = runtime.config
    with runtime.reader() as uow:
        grace = uow.members.find(Identity(IdentityKind.SLACK, "U0GRACE"))
        assert grace is not None
        credits = [c for c in uow.credits.for_member(grace.id) if c.source == "slack"]
        organisations = uow.organisations.names()
    for credit in credits:
        local = credit.occurred_at.astimezone(config.tz)
        echo(
            f"  ledger: {grace.name}, {credit.type}, {credit.points} points, "
            f"{local.strftime('%Y-%m-%d %H:%M')} {config.timezone} (the time of her answer), "
            f"for {organisations.get(credit.organisation or '', 'no organisation')}"
        )
