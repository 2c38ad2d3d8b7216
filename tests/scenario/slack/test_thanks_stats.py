"""``creditbot thanks stats``: the rule and phrase behind each thank-you question, and the
leads' answers, so a community sees which phrases its leads keep refusing."""

from __future__ import annotations

from collections.abc import Callable

from tests.standins.slack_api import SlackApiStandIn
from tests.support.cli import CliResult
from tests.support.serving import RunningApp
from tests.support.slack import HELP, add_help_thread, answer_body, thank_alice_event

OTHER_PARENT, OTHER_ANSWER, OTHER_THANKS = (
    "1793530000.000100",
    "1793530600.000200",
    "1793531200.000300",
)


def _second_thread(slack_api: SlackApiStandIn) -> dict[str, object]:
    """Dmitri asks again; Alice answers; Dmitri thanks her by first name, in French."""
    slack_api.add_message(HELP, OTHER_PARENT, "U0DMITRI", "And the logout page 404s.")
    slack_api.add_message(
        HELP, OTHER_ANSWER, "U0ALICE", "Add the /logout route.", thread_ts=OTHER_PARENT
    )
    envelope = thank_alice_event("Ev0MSG000002", text="merci Alice, ça marche !")
    event = envelope["event"]
    assert isinstance(event, dict)
    event.update(ts=OTHER_THANKS, event_ts=OTHER_THANKS, thread_ts=OTHER_PARENT)
    event.pop("blocks", None)
    return envelope


def test_thanks_stats_counts_each_rule_and_phrase_with_the_leads_yes_and_no(
    app: RunningApp, slack_api: SlackApiStandIn, cli: Callable[..., CliResult]
) -> None:
    assert cli("thanks", "stats").out == "No thank-you questions yet.\n"
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    app.event(_second_thread(slack_api))
    with app.runtime.reader() as uow:
        first, second = uow.suggestions.open()
    app.action(answer_body(first.id, "U01LEAD", question_ts=first.question_ts or ""))
    app.action(answer_body(second.id, "U01LEAD", accept=False, question_ts="1793600000.000002"))

    result = cli("thanks", "stats")

    assert result.code == 0
    lines = result.out.splitlines()
    assert lines[0].split() == ["rule", "/", "phrase", "asked", "yes", "no", "open"]
    rows = sorted(line.split() for line in lines[1:])
    assert rows == [
        ["mention", "/", "thanks", "1", "1", "0", "0"],
        ["name", "/", "merci", "1", "0", "1", "0"],
    ]
    assert cli("thanks", "stats", "--since", "2099-01-01").out == (
        "No thank-you questions since 2099-01-01.\n"
    )


def test_thanks_stats_refuses_a_date_it_cannot_read_in_one_line(
    cli: Callable[..., CliResult],
) -> None:
    result = cli("thanks", "stats", "--since", "last week")
    assert result.code == 1
    assert "--since: 'last week' is not an ISO-8601 date" in result.err
    assert "Traceback" not in result.err
