"""Text and Markdown renderings of a month's report (Block Kit lives in bot/slack/blocks.py)."""

from __future__ import annotations

from scoring.models import MonthlyReport, RankedOrganisation
from scoring.months import Month


def movement(org: RankedOrganisation) -> str:
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


def render_text(report: MonthlyReport, *, top: int | None = None) -> str:
    """Plain text for the terminal."""
    month = Month.parse(report.month)
    lines = [f"creditbot report for {month.label()} ({report.month})", ""]
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
    return "\n".join(lines)


def render_markdown(report: MonthlyReport, *, top: int | None = None) -> str:
    """Markdown (Discourse, README-style reports)."""
    month = Month.parse(report.month)
    out = [f"## Contributions in {month.label()}", ""]
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
            who = f"@{m.discourse_username}" if m.discourse_username else m.name
            out.append(f"| {m.rank} | {who} | {m.organisation or '–'} | {m.points} |")
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
                f"| {rank} | {o.name} | {o.points} | {signed(o.delta_points)} | {movement(o)} |"
            )
        out.append("")
    out.append(
        f"**New contributors:** {report.new_contributors} · **New members:** {report.new_members}"
    )
    return "\n".join(out)
