"""Text and Markdown renderings of a month's report and of its shout-out.

(Over 300 lines: one report's wording in two media (text and Markdown), kept side by
side so they say the same.)

Block Kit lives in bot/slack/ (``blocks.py``; the shout-out's in ``shoutout_blocks.py``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Protocol

from bot.messages.escaping import discourse_markdown_text, discourse_mention
from bot.messages.names import neutral_name, welcome_sentence
from scoring.models import MonthlyReport, Movement
from scoring.months import Month
from scoring.shoutout import Correction, PointsChange, ShoutoutContent, ShoutoutMember


def movement(org: Movement) -> str:
    """``▲ 2`` / ``▼ 1`` / ``=`` / ``new`` / ``–`` for the rank change since last month."""
    if org.rank is None:
        return "–"
    if org.previous_rank is None:
        return "new"
    change = org.rank_change or 0
    if change > 0:
        return f"▲ {change}"
    if change < 0:
        return f"▼ {-change}"
    return "="


def signed(value: int) -> str:
    return f"+{value}" if value > 0 else str(value)


def render_text(
    report: MonthlyReport,
    *,
    top: int | None = None,
    published_at: datetime | None = None,
    corrections: Sequence[Correction] = (),
) -> str:
    """Plain text for the terminal."""
    month = Month.parse(report.month)
    lines = [f"creditbot report for {month.label()} ({report.month})", ""]
    if published_at is not None:
        lines += [_published_line(published_at), ""]
    if not report.members and not report.organisations:
        lines.append("No credited contributions this month yet.")
    members = report.members if top is None else report.members[:top]
    if members:
        lines.append("Top contributors")
        width = max(len(m.name) for m in members)
        for m in members:
            org = f"  ({m.organisation})" if m.organisation else ""
            lines.append(
                f"  {m.rank:>3}. {m.name:<{width}}  {m.points:>4} pts  {m.credits:>3} credits{org}"
            )
        lines.append("")
    organisations = report.organisations if top is None else report.organisations[:top]
    if organisations:
        lines.append("Organisations")
        width = max(len(o.name) for o in organisations)
        for o in organisations:
            rank = f"{o.rank:>3}." if o.rank is not None else "   -"
            lines.append(
                f"  {rank} {o.name:<{width}}  {o.points:>4} pts  "
                f"({signed(o.delta_points)} vs last month, {movement(o)})"
            )
        lines.append("")
    lines.append(f"New contributors: {report.new_contributors}")
    lines.append(f"New members: {report.new_members}")
    if corrections:
        lines += ["", "Corrections to published months"]
        lines += [f"  {line}" for line in correction_lines(corrections, _plain_name)]
    return "\n".join(lines)


def render_markdown(
    report: MonthlyReport,
    *,
    top: int | None = None,
    published_at: datetime | None = None,
    corrections: Sequence[Correction] = (),
) -> str:
    """Markdown (Discourse, README-style reports)."""
    month = Month.parse(report.month)
    out = [f"## Contributions in {month.label()}", ""]
    if published_at is not None:
        out += [f"_{_published_line(published_at)}_", ""]
    if not report.members and not report.organisations:
        out += ["No credited contributions this month yet.", ""]
    members = report.members if top is None else report.members[:top]
    if members:
        out += [
            "### Top contributors",
            "",
            "| # | Who | Organisation | Points |",
            "|---|---|---|---|",
        ]
        for m in members:
            who = discourse_mention(m.discourse_username, m.name)
            org = discourse_markdown_text(m.organisation) if m.organisation else "–"
            out.append(f"| {m.rank} | {who} | {org} | {m.points} |")
        out.append("")
    organisations = report.organisations if top is None else report.organisations[:top]
    if organisations:
        out += [
            "### Organisations",
            "",
            "| # | Organisation | Points | vs last month | Rank |",
            "|---|---|---|---|---|",
        ]
        for o in organisations:
            rank = o.rank if o.rank is not None else "–"
            out.append(
                f"| {rank} | {discourse_markdown_text(o.name)} | {o.points} | "
                f"{signed(o.delta_points)} | {movement(o)} |"
            )
        out.append("")
    out.append(
        f"**New contributors:** {report.new_contributors} · **New members:** {report.new_members}"
    )
    if corrections:
        out += ["", "### Corrections to published months", ""]
        out += [f"- {line}" for line in correction_lines(corrections, _forum_name, _md_name)]
    return "\n".join(out)


def _published_line(published_at: datetime) -> str:
    return (
        f"As published on {published_at:%Y-%m-%d %H:%M} UTC "
        "(`--live` shows the numbers as they stand now)."
    )


# -- corrections ------------------------------------------------------------------


def _plain_name(change: PointsChange) -> str:
    return change.name


def _forum_name(change: PointsChange) -> str:
    return discourse_mention(change.discourse_username, neutral_name(change.name))


def _md_name(change: PointsChange) -> str:
    return discourse_markdown_text(neutral_name(change.name))


def correction_lines(
    corrections: Sequence[Correction], name: _NameOf, organisation: _NameOf | None = None
) -> list[str]:
    """One line per corrected month: who and which organisations went from what to what."""
    lines: list[str] = []
    for correction in corrections:
        parts = [
            f"{name(c)} {c.before} → {c.after} points ({signed(c.delta)})"
            for c in correction.members
        ]
        parts += [
            f"{(organisation or _plain_name)(c)} {c.before} → {c.after} points ({signed(c.delta)})"
            for c in correction.organisations
        ]
        label = Month.parse(correction.month).label()
        lines.append(f"{label}: " + "; ".join(parts))
    return lines


class _NameOf(Protocol):
    def __call__(self, change: PointsChange, /) -> str: ...


# -- the shout-out ----------------------------------------------------------------


def forum_mention(member: ShoutoutMember) -> str:
    """``@username`` on the forum (a mention), else the member's name."""
    return discourse_mention(member.discourse_username, neutral_name(member.name))


def shoutout_title(content: ShoutoutContent) -> str:
    """The Discourse topic's title."""
    if content.quiet:
        return f"Contributions in {content.label}: a quiet month"
    return f"Contributions in {content.label}: thank you!"


def render_shoutout_markdown(content: ShoutoutContent) -> str:
    """The Discourse topic's body."""
    out: list[str] = []
    if content.quiet:
        out += [f"No contributions were credited in {content.label}: a quiet month.", ""]
    else:
        people = "person" if content.contributors == 1 else "people"
        out += [
            f"Thank you to the **{content.contributors} {people}** who contributed in "
            f"{content.label}: {content.total_credits} credits, {content.total_points} points.",
            "",
        ]
    if content.note:
        out += ["> " + line for line in content.note.splitlines()] + [""]
    if content.members:
        out += [
            "### Top contributors",
            "",
            "| # | Who | Organisation | Points |",
            "|---|---|---|---|",
        ]
        for m in content.members:
            org = discourse_markdown_text(m.organisation) if m.organisation else "–"
            out.append(f"| {m.rank} | {forum_mention(m)} | {org} | {m.points} |")
        if content.more_members:
            out += ["", f"…and {content.more_members} more."]
        out.append("")
    if content.organisations:
        out += [
            "### Top organisations",
            "",
            "| # | Organisation | Points | Since last month |",
            "|---|---|---|---|",
        ]
        for o in content.organisations:
            out.append(
                f"| {o.rank} | {discourse_markdown_text(o.name)} | {o.points} | "
                f"{movement(o)} ({signed(o.delta_points)} points) |"
            )
        if content.more_organisations:
            out += ["", f"…and {content.more_organisations} more."]
        out.append("")
    out += ["### New this month", "", _newcomers(content, bold="**"), ""]
    welcome = _welcome(content, discourse_markdown_text)
    if welcome:
        out += [welcome, ""]
    if content.corrections:
        out += ["### Corrections to earlier months", ""]
        out += [
            f"- {line}" for line in correction_lines(content.corrections, _forum_name, _md_name)
        ]
        out.append("")
    out += ["### How to get on this list", "", content.how_to_get_listed.strip()]
    return "\n".join(out)


def render_shoutout_text(content: ShoutoutContent) -> str:
    """The shout-out as plain text (the CLI's preview)."""
    lines = [shoutout_title(content), ""]
    if content.quiet:
        lines.append(f"No contributions were credited in {content.label}.")
    else:
        lines.append(
            f"{content.contributors} contributors, {content.total_credits} credits, "
            f"{content.total_points} points."
        )
    if content.note:
        lines += ["", *content.note.splitlines()]
    if content.members:
        lines += ["", "Top contributors"]
        for m in content.members:
            org = f" ({m.organisation})" if m.organisation else ""
            lines.append(f"  {m.rank:>3}. {m.name}{org}: {m.points} points")
        if content.more_members:
            lines.append(f"       …and {content.more_members} more")
    if content.organisations:
        lines += ["", "Top organisations"]
        for o in content.organisations:
            lines.append(
                f"  {o.rank:>3}. {o.name}: {o.points} points, {movement(o)} "
                f"({signed(o.delta_points)})"
            )
        if content.more_organisations:
            lines.append(f"       …and {content.more_organisations} more")
    lines += ["", _newcomers(content)]
    welcome = _welcome(content, str)
    if welcome:
        lines.append(welcome)
    if content.corrections:
        lines += ["", "Corrections to earlier months"]
        lines += [f"  {line}" for line in correction_lines(content.corrections, _plain_name)]
    lines += ["", content.how_to_get_listed.strip()]
    return "\n".join(lines)


def _newcomers(content: ShoutoutContent, bold: str = "") -> str:
    if not content.new_contributors and not content.new_members:
        return "No newcomers this month."
    contributors = "contributor" if content.new_contributors == 1 else "contributors"
    members = "member" if content.new_members == 1 else "members"
    return (
        f"{bold}{content.new_contributors}{bold} new {contributors} and "
        f"{bold}{content.new_members}{bold} new {members}: welcome!"
    )


def _welcome(content: ShoutoutContent, escape: Callable[[str], str]) -> str | None:
    """The new contributors who may be named, neutralised, then escaped for the medium."""
    names = [escape(neutral_name(n)) for n in content.new_contributor_names]
    return welcome_sentence(names, content.new_contributors)
