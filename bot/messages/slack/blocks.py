"""Block Kit builders: the question, its answer, the App Home, and /credit's replies.

Every builder returns the plain-text fallback with the blocks (Slack shows the text in
notifications and where blocks cannot be drawn). What people wrote (snippets, notes,
reasons quoting them) goes through :func:`bot.messages.escaping.slack_text`, so a thanked
message's ``<!channel>`` or ``<@U…>`` is shown, not sent; and every mrkdwn text is
``verbatim`` (no auto-linking).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.messages.escaping import slack_text, slack_text_keeping_mentions, without_bidi_controls
from bot.messages.slack.manager import ManagerHome, manager_blocks
from bot.messages.slack.withdrawn import withdrawn_lines
from bot.messages.words import plural
from scoring.evidence import evidence
from scoring.models import Credit
from scoring.suggestions import Suggestion, SuggestionStatus

Blocks = list[dict[str, Any]]

ACTION_TYPE = "suggestion_type"
ACTION_YES = "suggestion_yes"
ACTION_NO = "suggestion_no"
ACTION_HELPER = "suggestion_helper"
BLOCK_PREFIX = "suggestion:"
_MAX_OPTIONS = 100
_MAX_SECTION = 3000


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "mrkdwn", "text": text[:_MAX_SECTION], "verbatim": True}


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": without_bidi_controls(text)[:75], "emoji": True}


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": _mrkdwn(text)}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [_mrkdwn(text)]}


def _option(name: str, points: int) -> dict[str, Any]:
    return {"text": _plain(f"{name} ({plural(points, 'point')})"), "value": name}


FORUM_CHANNEL = "forum"  # a held accepted solution (bot.services.ledger.caps)


def _who_where(suggestion: Suggestion) -> str:
    """Whose message and where, for a notification's text (no links)."""
    if suggestion.channel == FORUM_CHANNEL:
        return f"{slack_text(suggestion.author_ref)} on the forum"
    return f"<@{suggestion.author_ref}> in <#{suggestion.channel}>"


def _where(suggestion: Suggestion) -> str:
    if suggestion.channel == FORUM_CHANNEL:
        link = f" · <{suggestion.permalink}|view the post>" if suggestion.permalink else ""
        return f"{suggestion.author_ref} on the forum{link}"
    link = f" · <{suggestion.permalink}|view the message>" if suggestion.permalink else ""
    return f"<@{suggestion.author_ref}> in <#{suggestion.channel}>{link}"


def _quote(snippet: str) -> str:
    return "\n".join("> " + slack_text(line) for line in snippet.splitlines() or [""])


def question_message(
    suggestion: Suggestion,
    types: dict[str, int],
    default_type: str,
    helpers: Sequence[tuple[str, str]] = (),
    *,
    points_today: int | None = None,
) -> tuple[str, Blocks]:
    """ "Is this a contribution?" with the message, why, a type choice and Yes / No;
    with ``helpers`` (Slack id, name: everyone the thanks named), a choice of whom."""
    initial = suggestion.suggested_type if suggestion.suggested_type in types else default_type
    options = [_option(name, points) for name, points in list(types.items())[:_MAX_OPTIONS]]
    blocks: Blocks = [_section(f"*Is this a contribution?*\n{_where(suggestion)}")]
    if suggestion.snippet:
        blocks.append(_section(_quote(suggestion.snippet)))
    if suggestion.reason:
        blocks.append(_context(f"Why I ask: {slack_text_keeping_mentions(suggestion.reason)}"))
    if points_today is not None:
        blocks.append(_context(f"Their points so far that day: {points_today}"))
    blocks.append(
        {
            "type": "actions",
            "block_id": f"{BLOCK_PREFIX}{suggestion.id}",
            "elements": [
                {
                    "type": "static_select",
                    "action_id": ACTION_TYPE,
                    "placeholder": _plain("Contribution type"),
                    "options": options,
                    "initial_option": _option(initial, types.get(initial, 0)),
                },
                *_helper_choice(helpers),
                {
                    "type": "button",
                    "action_id": ACTION_YES,
                    "style": "primary",
                    "text": _plain("Yes, credit it"),
                    "value": str(suggestion.id),
                },
                {
                    "type": "button",
                    "action_id": ACTION_NO,
                    "text": _plain("No"),
                    "value": str(suggestion.id),
                },
            ],
        }
    )
    text = f"Is this a contribution? {_who_where(suggestion)}"
    if suggestion.snippet:
        text += f": {slack_text(suggestion.snippet)}"
    return text, blocks


def _helper_choice(helpers: Sequence[tuple[str, str]]) -> list[dict[str, Any]]:
    """A menu of whom to credit when the thanks named several people (first: the default)."""
    if len(helpers) < 2:
        return []
    options = [{"text": _plain(name), "value": user} for user, name in helpers[:_MAX_OPTIONS]]
    return [
        {
            "type": "static_select",
            "action_id": ACTION_HELPER,
            "placeholder": _plain("Whom to credit"),
            "options": options,
            "initial_option": options[0],
        }
    ]


def answered_message(suggestion: Suggestion, credit: Credit | None) -> tuple[str, Blocks]:
    """The question once answered: the outcome, the type and who decided (no buttons)."""
    who = f"<@{suggestion.decided_by}>" if suggestion.decided_by else "a team lead"
    if suggestion.status == SuggestionStatus.ACCEPTED:
        kind = credit.type if credit is not None else suggestion.decided_type
        points = credit.points if credit is not None else None
        worth = f", {plural(points, 'point')}" if points else ""
        outcome = f":white_check_mark: Credited as *{kind}*{worth} by {who}"
        short = f"Credited as {kind} by {who}"
    else:
        outcome = f":x: Not a contribution: decided by {who}"
        short = f"Not a contribution: decided by {who}"
    blocks: Blocks = [_section(f"*Is this a contribution?*\n{_where(suggestion)}")]
    if suggestion.snippet:
        blocks.append(_section(_quote(suggestion.snippet)))
    if suggestion.reason:
        blocks.append(_context(f"Why I asked: {slack_text_keeping_mentions(suggestion.reason)}"))
    blocks.append(_section(outcome))
    return f"{short}: {_who_where(suggestion)}", blocks


@dataclass(frozen=True)
class CreditsSummary:
    """One person's credits, as /credit me and the App Home show them."""

    name: str | None
    month_label: str
    month_points: int = 0
    month_credits: int = 0
    total_points: int = 0
    total_credits: int = 0
    organisation: str | None = None
    organisation_rank: int | None = None
    organisations_ranked: int = 0
    recent: tuple[Credit, ...] = ()
    withdrawn: tuple[tuple[Credit, str], ...] = ()
    """The latest withdrawn credits and their reasons (``/credit me`` lists them)."""
    withdrawn_total: int = 0


def summary_lines(summary: CreditsSummary) -> list[str]:
    """The summary in a few lines of mrkdwn."""
    lines = [
        f"*{summary.month_label}:* {plural(summary.month_points, 'point')} "
        f"from {plural(summary.month_credits, 'credit')}",
        f"*All time:* {plural(summary.total_points, 'point')} "
        f"from {plural(summary.total_credits, 'credit')}",
    ]
    organisation = slack_text(summary.organisation or "")
    if summary.organisation is None:
        lines.append("*Organisation:* none (you contribute independently)")
    elif summary.organisation_rank is None:
        lines.append(f"*Organisation:* {organisation}, not ranked yet in {summary.month_label}")
    else:
        lines.append(
            f"*Organisation:* {organisation}, ranked {summary.organisation_rank} "
            f"of {summary.organisations_ranked} in {summary.month_label}"
        )
    return lines


def me_text(summary: CreditsSummary) -> str:
    """The private answer to ``/credit me``."""
    withdrawn = withdrawn_lines(summary.withdrawn, summary.withdrawn_total)
    if summary.total_credits == 0:
        head = "You have no credits yet. Help someone in a thread or on the forum!"
        return "\n".join([head, *summary_lines(summary)[2:], *withdrawn])
    recent = [
        f"• {c.occurred_at.date().isoformat()} {c.type}, {plural(c.points, 'point')}"
        + f" (credit {c.id})"
        + (f": {slack_text(evidence(c))}" if evidence(c) else "")
        for c in summary.recent
    ]
    return "\n".join(
        [
            "*Your credits*",
            *summary_lines(summary),
            *(["*Recent:*", *recent] if recent else []),
            *withdrawn,
        ]
    )


@dataclass(frozen=True)
class HomeContent:
    summary: CreditsSummary
    is_team_lead: bool = False
    open_questions: tuple[Suggestion, ...] = ()
    open_count: int = 0
    review_channel: str | None = None
    updated_at: datetime | None = None
    how_to_get_listed: str = ""
    manager: ManagerHome | None = None  # programme managers only


def home_view(content: HomeContent) -> dict[str, Any]:
    """The App Home tab: your credits; for team leads, the open questions."""
    summary = content.summary
    blocks: Blocks = [
        {"type": "header", "text": _plain("Your contributions")},
        _section("\n".join(summary_lines(summary))),
    ]
    if summary.recent:
        blocks.append(
            _context(
                "Recent: "
                + "; ".join(
                    f"{c.occurred_at.date().isoformat()} {c.type} ({c.points}, credit {c.id})"
                    for c in summary.recent
                )
            )
        )
    elif content.how_to_get_listed:
        blocks.append(_context(content.how_to_get_listed))
    if content.is_team_lead:
        blocks.append({"type": "divider"})
        blocks.append({"type": "header", "text": _plain("Open questions")})
        if not content.open_questions:
            blocks.append(_section("Nothing waits for an answer. :tada:"))
        for question in content.open_questions:
            link = f"<{question.permalink}|the message>" if question.permalink else "the message"
            line = f"<@{question.author_ref}> in <#{question.channel}>: {link}"
            if question.snippet:
                line += f"\n{_quote(question.snippet)}"
            blocks.append(_section(line))
        more = content.open_count - len(content.open_questions)
        where = f" in <#{content.review_channel}>" if content.review_channel else ""
        if content.open_questions:
            tail = f"{more} more, " if more > 0 else ""
            blocks.append(_context(f"{tail}answer them{where} with Yes / No."))
    if content.manager is not None:
        blocks += manager_blocks(content.manager)
    if content.updated_at is not None:
        blocks.append(_context(f"Updated {content.updated_at.strftime('%Y-%m-%d %H:%M UTC')}"))
    return {"type": "home", "blocks": blocks[:100]}
