"""The Distinguished Contributor panel's messages in Block Kit, within Slack's limits.

(Over 300 lines: the panel's messages in Block Kit and the size limits they share.)

:func:`nomination_message` is what the review panel sees in its private channel: who is
nominated for which track and by whom, why, the evidence links, the nominee's credits of
the last 12 months (by type and by month, from the snapshot taken at nomination time),
how many votes were cast (never who voted, nor how) and the Approve / Decline / Abstain
buttons. :func:`decided_message` is the same nomination once decided: the outcome and the
tally, without buttons.

Both return ``{"text", "blocks"}``: the plain fallback (notifications, clients without
blocks) and at most a dozen blocks, every text within Slack's limits (section 3,000
characters, header 150, button 75). What people typed is escaped for mrkdwn, except
Slack's own user, channel and link tokens (``<@U123>``, ``<#C123>``, ``<https://...>``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Protocol

from bot.messages.escaping import slack_text, slack_text_keeping_mentions
from bot.messages.slack.limits import MAX_FALLBACK_CHARS, MAX_HEADER_CHARS, MAX_SECTION_CHARS, cut
from bot.messages.words import plural

ACTION_APPROVE = "dc_vote_approve"
ACTION_DECLINE = "dc_vote_decline"
ACTION_ABSTAIN = "dc_vote_abstain"
#: The vote each button stands for.
VOTE_ACTIONS = {ACTION_APPROVE: "approve", ACTION_DECLINE: "decline", ACTION_ABSTAIN: "abstain"}
BLOCK_PREFIX = "dc_nomination:"

MAX_LINKS_SHOWN = 10

Block = dict[str, Any]

_OUTCOMES = {
    "approved": ":white_check_mark: *Approved*",
    "declined": ":x: *Declined*",
    "no_quorum": ":hourglass: *No decision: the quorum was not reached*",
}
_MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


class NominationView(Protocol):
    """What these messages read of a nomination (the repository's ``Nomination``)."""

    @property
    def id(self) -> int: ...

    @property
    def cycle(self) -> int: ...

    @property
    def nominator(self) -> str: ...

    @property
    def justification(self) -> str: ...

    @property
    def links(self) -> Sequence[str]: ...

    @property
    def evidence(self) -> Mapping[str, Any]: ...


def _section(text: str) -> Block:
    return {"type": "section", "text": {"type": "mrkdwn", "text": cut(text, MAX_SECTION_CHARS)}}


def _context(text: str) -> Block:
    return {
        "type": "context",
        "elements": [{"type": "mrkdwn", "text": cut(text, MAX_SECTION_CHARS)}],
    }


def _header(text: str) -> Block:
    return {
        "type": "header",
        "text": {"type": "plain_text", "text": cut(text, MAX_HEADER_CHARS), "emoji": True},
    }


def _quote(text: str) -> str:
    lines = text.strip().splitlines() or [""]
    return "\n".join("> " + line for line in lines)


# -- the credit history -------------------------------------------------------------------


def _amount(value: Any) -> tuple[int | None, int | None]:
    """(points, credits) of one entry of the history, whatever shape it was stored in."""
    if isinstance(value, bool):
        return None, None
    if isinstance(value, int | float):
        return int(value), None
    if isinstance(value, Mapping):
        if "points" in value:
            credits = value.get("credits", value.get("count"))
            points = value.get("points")
            return (
                int(points) if isinstance(points, int | float) else None,
                int(credits) if isinstance(credits, int | float) else None,
            )
        numbers = [v for v in value.values() if isinstance(v, int | float)]
        if numbers:
            return int(sum(numbers)), None
    return None, None


def _entries(value: Any, key: str) -> dict[str, Any]:
    """A ``{name: amount}`` view of a mapping, or of a list of ``{key: name, ...}`` rows."""
    if isinstance(value, Mapping):
        return {str(k): v for k, v in value.items()}
    if isinstance(value, list):
        return {str(row[key]): row for row in value if isinstance(row, Mapping) and key in row}
    return {}


def _month_label(month: str) -> str:
    year, _, number = month.partition("-")
    if number.isdigit() and 1 <= int(number) <= 12 and year.isdigit():
        return f"{_MONTH_NAMES[int(number) - 1]} {year[-2:]}"
    return month


def _points_text(points: int | None, credits: int | None) -> str:
    text = plural(points, "pt") if points is not None else "?"
    if credits is not None:
        text += f" ({plural(credits, 'credit')})"
    return text


def history_lines(evidence: Mapping[str, Any]) -> list[str]:
    """The 12-month credit history in two compact lines: by type, then by month."""
    by_type = _entries(evidence.get("by_type"), "type")
    by_month = _entries(evidence.get("by_month"), "month")
    lines: list[str] = []
    typed: list[tuple[str, int | None, int | None]] = []
    for name, value in by_type.items():
        points, credits = _amount(value)
        if points or credits:
            typed.append((name, points, credits))
    typed.sort(key=lambda t: (-(t[1] or 0), t[0]))
    if typed:
        lines.append(
            "*By type:* "
            + " · ".join(f"{slack_text(name)} {_points_text(p, c)}" for name, p, c in typed)
        )
    order = evidence.get("months")
    if isinstance(order, list) and all(isinstance(m, Mapping) for m in order):
        by_month = by_month or _entries(order, "month")
        order = list(_entries(order, "month"))
    months = [str(m) for m in order] if isinstance(order, list) else sorted(by_month)
    monthly = {month: _amount(by_month.get(month, 0))[0] or 0 for month in months}
    if months:
        cells = [f"{_month_label(m)} {monthly[m] if monthly[m] else '–'}" for m in months]
        lines.append("*By month:* " + " · ".join(cells))
    total = evidence.get("total")
    if not isinstance(total, Mapping):
        total = {
            "points": evidence.get("total_points", total),
            "credits": evidence.get("total_credits"),
        }
    total_points, total_credits = _amount(total)
    if total_points is None and typed:
        total_points = sum(t[1] or 0 for t in typed)
        counted = [t[2] for t in typed if t[2] is not None]
        total_credits = sum(counted) if len(counted) == len(typed) else None
    if total_points is None:
        total_points = sum(monthly.values())
    if not lines or not total_points:
        return ["No credits in the last 12 months."]
    lines.insert(0, f"*Total:* {_points_text(total_points, total_credits)}")
    track_types = evidence.get("track_types")
    track_points = evidence.get("track_points")
    if isinstance(track_types, list) and track_types and isinstance(track_points, int):
        kinds = ", ".join(slack_text(str(t)) for t in track_types)
        lines.insert(1, f"*In the track's types ({kinds}):* {_points_text(track_points, None)}")
    return lines


# -- the messages ---------------------------------------------------------------------------


def _links_text(links: Sequence[str]) -> str | None:
    shown = [link for link in links if link][:MAX_LINKS_SHOWN]
    if not shown:
        return None
    lines = [f"• {slack_text_keeping_mentions(_as_link(link), links=True)}" for link in shown]
    more = len([link for link in links if link]) - len(shown)
    if more > 0:
        lines.append(f"…and {more} more")
    return "*Evidence*\n" + "\n".join(lines)


def _as_link(link: str) -> str:
    if link.startswith(("http://", "https://")) and not any(c in link for c in "<>| "):
        return f"<{link}>"
    return link


def _body(nomination: NominationView, track_name: str, nominee_name: str) -> list[Block]:
    blocks: list[Block] = [
        _header(f"{nominee_name} for {track_name}"),
        _section(
            f"*Nominee:* {slack_text(cut(nominee_name, 300))} · "
            f"*Track:* {slack_text(cut(track_name, 300))}\n"
            f"*Nominated by* {_nominator(nomination)} for the {nomination.cycle} cycle"
        ),
        _section(
            "*Why*\n" + _quote(slack_text_keeping_mentions(nomination.justification, links=True))
        ),
    ]
    links = _links_text(list(nomination.links or []))
    if links:
        blocks.append(_section(links))
    history = history_lines(nomination.evidence or {})
    blocks.append(_section("*Credits in the last 12 months*\n" + "\n".join(history)))
    return blocks


def _nominator(nomination: NominationView) -> str:
    """A mention of the nominator, or "a former member" once they were erased."""
    if nomination.nominator.startswith("erased:"):
        return "a former member"
    return f"<@{nomination.nominator}>"


def _fallback(text: str) -> str:
    return cut(text, MAX_FALLBACK_CHARS)


def _button(action_id: str, label: str, nomination_id: int, style: str | None = None) -> Block:
    button: Block = {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": str(nomination_id),
    }
    if style:
        button["style"] = style
    return button


def nomination_message(
    nomination: NominationView, track_name: str, nominee_name: str, votes_cast: int
) -> dict[str, Any]:
    """The panel's review message: the nomination, its evidence, the number of votes cast
    (not who, not how) and the Approve / Decline / Abstain buttons (value: the id)."""
    blocks = _body(nomination, track_name, nominee_name)
    blocks.append(
        _context(
            f"Votes cast: *{votes_cast}*. Votes are private: nobody sees who voted or how. "
            "You can change your vote until the decision date."
        )
    )
    blocks.append(
        {
            "type": "actions",
            "block_id": f"{BLOCK_PREFIX}{nomination.id}",
            "elements": [
                _button(ACTION_APPROVE, "Approve", nomination.id, "primary"),
                _button(ACTION_DECLINE, "Decline", nomination.id, "danger"),
                _button(ACTION_ABSTAIN, "Abstain", nomination.id),
            ],
        }
    )
    text = (
        f"Nomination for {track_name}: {nominee_name}, by {_nominator(nomination)}. "
        f"Votes cast: {votes_cast}."
    )
    return {"text": _fallback(text), "blocks": blocks}


def _tally_value(tally: Any, name: str) -> Any:
    if isinstance(tally, Mapping):
        return tally.get(name)
    return getattr(tally, name, None)


def tally_text(tally: Any) -> str:
    """ "Approve 3 · Decline 1 · Abstain 1 · 5 of 7 seats voted" of a ``Tally`` or its dict."""
    counts = {
        name: int(_tally_value(tally, name) or 0) for name in ("approve", "decline", "abstain")
    }
    text = (
        f"Approve {counts['approve']} · Decline {counts['decline']} · Abstain {counts['abstain']}"
    )
    seats = _tally_value(tally, "seats")
    if isinstance(seats, int) and seats > 0:
        text += f" · {sum(counts.values())} of {plural(seats, 'seat')} voted"
    return text


def decided_message(
    nomination: NominationView, track_name: str, nominee_name: str, tally: Any
) -> dict[str, Any]:
    """The review message once decided: the outcome and the tally, no buttons.

    ``tally`` is a ``scoring.distinguished.Tally`` or the dict stored with the nomination.
    """
    outcome = str(_tally_value(tally, "outcome") or "")
    heading = _OUTCOMES.get(outcome, f"*Decided: {slack_text(outcome or 'unknown')}*")
    blocks = _body(nomination, track_name, nominee_name)
    blocks.append(_section(f"{heading}\n{tally_text(tally)}"))
    label = {"approved": "Approved", "declined": "Declined", "no_quorum": "No quorum"}.get(
        outcome, "Decided"
    )
    text = f"{label}: {nominee_name} for {track_name} ({tally_text(tally)})."
    return {"text": _fallback(text), "blocks": blocks}
