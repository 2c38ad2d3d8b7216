"""A programme manager's part of the App Home: what waits for them.

Questions the team leads left open for more than ``STALE_DAYS`` days, the partners at
risk this month so far (the figures of ``/credit standing``), and the last run of each
timed job. Code-of-conduct records never appear here: they stay in the command line.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.messages.slack.limits import MAX_SECTION_CHARS
from bot.messages.slack.standing import PartnerFigures, partner_line
from scoring.months import Month
from scoring.suggestions import Suggestion
from storage.repositories.jobs import JobRun

STALE_DAYS = 3
SHOWN = 10

Blocks = list[dict[str, object]]


@dataclass(frozen=True)
class ManagerHome:
    month: Month
    stale_questions: tuple[Suggestion, ...] = ()
    stale_count: int = 0
    at_risk: tuple[PartnerFigures, ...] = ()
    standing_problem: str | None = None  # why the partners could not be shown
    last_runs: tuple[JobRun, ...] = ()


def _section(lines: Sequence[str]) -> dict[str, object]:
    return {
        "type": "section",
        "text": {"type": "mrkdwn", "text": "\n".join(lines)[:MAX_SECTION_CHARS]},
    }


def _question(question: Suggestion) -> str:
    link = f"<{question.permalink}|the message>" if question.permalink else "the message"
    return (
        f"• <@{question.author_ref}> in <#{question.channel}>: {link} "
        f"({question.occurred_at:%Y-%m-%d})"
    )


def _run(run: JobRun) -> str:
    when = run.finished_at or run.started_at
    return f"• `{run.job}` {run.period}: {run.status}, {when:%Y-%m-%d %H:%M} UTC"


def manager_blocks(home: ManagerHome) -> Blocks:
    """The blocks a programme manager sees below their own contributions."""
    questions = [f"*Questions open for more than {STALE_DAYS} days ({home.stale_count})*"]
    questions += [_question(q) for q in home.stale_questions[:SHOWN]] or ["None. :tada:"]
    if home.stale_count > SHOWN:
        questions.append(f"…and {home.stale_count - SHOWN} more.")
    partners = [f"*Partners at risk in {home.month.label()} so far ({len(home.at_risk)})*"]
    if home.standing_problem:
        partners.append(f"Not available: {home.standing_problem}")
    else:
        partners += [partner_line(f, home.month) for f in home.at_risk[:SHOWN]] or [
            "None: every partner meets its minimums so far."
        ]
    if len(home.at_risk) > SHOWN:
        partners.append(f"…and {len(home.at_risk) - SHOWN} more: `/credit standing`.")
    runs = ["*Last job runs*", *[_run(r) for r in home.last_runs]]
    if not home.last_runs:
        runs.append("No job has run yet.")
    return [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Programme"}},
        _section(questions),
        _section(partners),
        _section(runs),
        {
            "type": "context",
            "elements": [
                {
                    "type": "mrkdwn",
                    "text": "Code-of-conduct records are never shown in Slack: "
                    "`creditbot conduct list`.",
                }
            ],
        },
    ]
