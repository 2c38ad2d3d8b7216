"""``/credit standing`` and the programme manager's App Home: partners' months so far.

The reply is mrkdwn text kept within ``MAX_REPLY_CHARS`` (Slack's 3,000 characters of
a section, so it reads the same wherever it is shown): partners at risk first with
what each needs, then the others a line each; what does not fit is counted and left
to ``creditbot standing``. Organisation names come from the configuration and are
escaped all the same.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.messages.escaping import slack_text
from scoring.months import Month

MAX_REPLY_CHARS = 3000
LEVELS = {
    0: "no warning",
    1: "warned",
    2: "referrals paused",
    3: "off the public list",
}
CONDUCT_NOTE = (
    "Code-of-conduct records are never shown in Slack: `creditbot standing` has the "
    "full evaluation."
)


@dataclass(frozen=True)
class PartnerFigures:
    """One partner's month so far (``minimum_usd`` 0: the financial rule is off)."""

    slug: str
    name: str
    level: int
    points: int
    minimum_points: float
    paid_usd: float
    minimum_usd: float

    @property
    def points_short(self) -> float:
        return max(self.minimum_points - self.points, 0.0)

    @property
    def usd_short(self) -> float:
        return max(self.minimum_usd - self.paid_usd, 0.0) if self.minimum_usd > 0 else 0.0

    @property
    def at_risk(self) -> bool:
        """Short of a minimum so far this month, or already on the warning ladder."""
        return self.points_short > 0 or self.usd_short > 0 or self.level > 0


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def _capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def _level(figures: PartnerFigures) -> str:
    return f"level {figures.level} ({LEVELS.get(figures.level, 'on the ladder')})"


def _money(figures: PartnerFigures) -> str:
    if figures.minimum_usd <= 0:
        return ""
    return f", ${figures.paid_usd:,.2f} of ${figures.minimum_usd:,.2f} paid"


def needs(figures: PartnerFigures, month: Month) -> str:
    """What the partner still needs this month, or that it meets every minimum so far."""
    wanted = []
    if figures.points_short > 0:
        wanted.append(f"{_number(figures.points_short)} more points")
    if figures.usd_short > 0:
        wanted.append(f"${figures.usd_short:,.2f} more in payments")
    if not wanted:
        return "meets every minimum so far"
    last = month.last_day()
    return f"needs {' and '.join(wanted)} by {last.day} {last:%B}"


def partner_line(figures: PartnerFigures, month: Month) -> str:
    """One partner in one line: figures against minimums, level and what it needs."""
    return (
        f"• *{slack_text(figures.name)}* ({figures.slug}): {figures.points} of "
        f"{_number(figures.minimum_points)} points{_money(figures)}; {_level(figures)}; "
        f"{needs(figures, month)}"
    )


def _fit(head: str, lines: Sequence[str], tail: str) -> str:
    """``head``, as many ``lines`` as fit in ``MAX_REPLY_CHARS`` with ``tail``, the rest counted."""
    reserve = len(tail) + 80  # the "...and N more" line
    kept, size = [head], len(head)
    for index, line in enumerate(lines):
        if size + 1 + len(line) + reserve > MAX_REPLY_CHARS:
            left = sum(1 for rest in lines[index:] if rest.startswith("•"))
            kept.append(f"…and {left} more: `creditbot standing` lists every partner.")
            break
        kept.append(line)
        size += 1 + len(line)
    return "\n".join([*kept, tail])


def programme_standing(figures: Sequence[PartnerFigures], month: Month) -> str:
    """``/credit standing`` for a programme manager: every partner, at risk first."""
    head = f"*Partner standing, {month.label()} so far* (a preview; stored once the month ends)"
    if not figures:
        return f"{head}\nNo organisation is a partner yet."
    at_risk = [f for f in figures if f.at_risk]
    rest = [f for f in figures if not f.at_risk]
    lines = [f"*At risk ({len(at_risk)})*"] if at_risk else ["*At risk:* none :tada:"]
    lines += [partner_line(f, month) for f in at_risk]
    if rest:
        lines.append(f"*On track ({len(rest)})*")
        lines += [
            f"• {slack_text(f.name)} ({f.slug}): {f.points} of {_number(f.minimum_points)} points"
            f"{_money(f)}"
            for f in rest
        ]
    return _fit(head, lines, CONDUCT_NOTE)


def own_standing(figures: Sequence[PartnerFigures], month: Month) -> str:
    """``/credit standing`` for a partner's contact: their own organisations only."""
    out = []
    for f in figures:
        money = (
            f"\nPayments: ${f.paid_usd:,.2f} of the ${f.minimum_usd:,.2f} needed"
            if f.minimum_usd > 0
            else ""
        )
        out.append(
            f"*{slack_text(f.name)}, {month.label()} so far*\n"
            f"Points: {f.points} of the {_number(f.minimum_points)} needed{money}\n"
            f"Standing: {_level(f)}\n"
            f"{_capitalised(needs(f, month))}."
        )
    out.append("A preview: the month is judged once it ends.")
    return "\n\n".join(out)[:MAX_REPLY_CHARS]
