"""The withdrawn credits ``/credit me`` lists: a withdrawal stays on record, so the member
sees it, with its id and the reason stored, apart from (and not counted in) the totals.
A few at most, each reason cut, so the answer stays well within Slack's limits."""

from __future__ import annotations

from collections.abc import Sequence

from bot.messages.escaping import slack_text
from bot.messages.slack.limits import cut
from bot.messages.words import plural
from scoring.models import Credit

SHOWN = 5
"""The latest withdrawals listed; the rest are counted ("and 3 more")."""
REASON_CHARS = 200


def withdrawn_lines(withdrawals: Sequence[tuple[Credit, str]], total: int) -> list[str]:
    """``*Withdrawn (not counted):*`` and a line for each; nothing when there is none."""
    if not withdrawals:
        return []
    lines = ["*Withdrawn (not counted):*"]
    for credit, reason in withdrawals:
        when = credit.withdrawn_at.date().isoformat() if credit.withdrawn_at else "earlier"
        why = f": {slack_text(cut(' '.join(reason.split()), REASON_CHARS))}" if reason else ""
        lines.append(
            f"• {credit.occurred_at.date().isoformat()} {credit.type}, "
            f"{plural(credit.points, 'point')} (credit {credit.id}), withdrawn {when}{why}"
        )
    if total > len(withdrawals):
        lines.append(f"and {total - len(withdrawals)} more")
    return lines
