"""``/credit standing`` and the programme manager's App Home: partners in Slack.

A thin view over :func:`bot.services.standing.standing_views` (the stored result of an
evaluated month, else a preview computed now and not stored): programme managers see
every partner, at risk first, one line each; a partner's contact sees their own
organisation only; anyone else is refused. Conduct records never appear here (they
stay in the CLI).
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from bot.config import ProgrammeConfig
from bot.services.reports import monthly_report
from bot.services.standing import StandingView, standing_views
from scoring.months import Month, local_date
from storage.uow import UnitOfWork

MAX_LINES = 40  # an ephemeral reply stays far below Slack's limits
STALE_QUESTION = timedelta(days=3)
REFUSED = (
    "Only programme managers and partners' contacts can see partner standing; nothing to "
    "show. Ask a programme manager, or `/credit org <slug>` for an organisation's points."
)


def standing_text(uow: UnitOfWork, config: ProgrammeConfig, invoker: str, now: datetime) -> str:
    """The private reply to ``/credit standing`` for ``invoker``."""
    own = {o.slug for o in config.organisations if invoker in o.contacts}
    if not config.is_program_manager(invoker) and not own:
        return REFUSED
    month = Month.of(local_date(now, config.tz))
    views = standing_views(uow, config, month)
    if not config.is_program_manager(invoker):
        views = [v for v in views if v.slug in own]
    if not views:
        return "No partners to show yet."
    points = {o.slug: o.points for o in monthly_report(uow, config, month).organisations}
    views.sort(key=lambda v: (not _at_risk(v), v.name.casefold()))
    lines = [f"*Partner standing, {month.label()}* (so far; at risk first)"]
    lines += [_line(v, points.get(v.slug, 0)) for v in views[:MAX_LINES]]
    if len(views) > MAX_LINES:
        lines.append(f"…and {len(views) - MAX_LINES} more: `creditbot standing` lists them all.")
    return "\n".join(lines)


def _at_risk(view: StandingView) -> bool:
    return not view.good_standing or view.warning_level > 0


def _line(view: StandingView, points: int) -> str:
    state = ":warning: at risk" if _at_risk(view) else ":white_check_mark: on track"
    level = f", warning level {view.warning_level}" if view.warning_level else ""
    needs = f" Needs: {'; '.join(view.reasons)}" if view.reasons and _at_risk(view) else ""
    return f"• *{view.name}* ({view.slug}): {state}{level}; {points} points this month.{needs}"


def manager_home_blocks(
    uow: UnitOfWork, config: ProgrammeConfig, user: str, now: datetime
) -> list[dict[str, Any]]:
    """For a programme manager's App Home: questions open over three days, partners at
    risk this month, and the last job runs. Empty for anyone else."""
    if not config.is_program_manager(user):
        return []
    stale = [q for q in uow.suggestions.open(200) if q.occurred_at <= now - STALE_QUESTION]
    month = Month.of(local_date(now, config.tz))
    risky = [v for v in standing_views(uow, config, month) if _at_risk(v)]
    runs = uow.jobs.recent(limit=5)
    text = [
        f"*Questions open over three days:* {len(stale)}",
        "*Partners at risk this month:* "
        + (", ".join(f"{v.name} (level {v.warning_level})" for v in risky) or "none"),
        "*Last job runs:* "
        + (
            "; ".join(f"{r.job} {r.period} {r.status} {r.started_at:%Y-%m-%d %H:%M}" for r in runs)
            or "none yet"
        ),
    ]
    return [
        {"type": "divider"},
        {"type": "header", "text": {"type": "plain_text", "text": "Programme"}},
        {"type": "section", "text": {"type": "mrkdwn", "text": "\n".join(text)[:2900]}},
    ]
