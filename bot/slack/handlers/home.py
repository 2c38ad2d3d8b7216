"""What one person sees of their own credits (App Home, ``/credit me``) and of an
organisation (``/credit org``)."""

from __future__ import annotations

from datetime import datetime

from bot.config import ProgrammeConfig
from bot.errors import NotFound
from bot.messages.escaping import slack_text
from bot.messages.slack.blocks import CreditsSummary, HomeContent
from bot.messages.slack.withdrawn import SHOWN as WITHDRAWN_SHOWN
from bot.messages.words import plural
from bot.services.ledger.reports import monthly_report
from bot.services.partners.manager_home import manager_home
from scoring.models import Identity, IdentityKind
from scoring.months import Month, local_date
from storage.uow import UnitOfWork

RECENT = 5
OPEN_QUESTIONS_SHOWN = 10


def credits_summary(
    uow: UnitOfWork, config: ProgrammeConfig, slack_id: str, now: datetime
) -> CreditsSummary:
    """A Slack user's credits this month and all time, and their organisation's rank."""
    today = local_date(now, config.tz)
    month = Month.of(today)
    summary = CreditsSummary(name=None, month_label=month.label())
    member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
    if member is None:
        return summary
    start, end = month.bounds(config.tz)
    everything = uow.credits.for_member(member.id)
    this_month = [c for c in everything if start <= c.occurred_at < end]
    slug = uow.members.organisation_on(member.id, today)
    withdrawn, withdrawn_total = uow.credits.withdrawals(member.id, WITHDRAWN_SHOWN)
    rank, ranked, organisation = None, 0, None
    if slug is not None:
        organisation = (uow.organisations.names()).get(slug, slug)
        report = monthly_report(uow, config, month)
        ranked_orgs = [o for o in report.organisations if o.rank is not None and o.points > 0]
        ranked = len(ranked_orgs)
        rank = next((o.rank for o in ranked_orgs if o.slug == slug), None)
    return CreditsSummary(
        name=member.name,
        month_label=month.label(),
        month_points=sum(c.points for c in this_month),
        month_credits=len(this_month),
        total_points=sum(c.points for c in everything),
        total_credits=len(everything),
        organisation=organisation,
        organisation_rank=rank,
        organisations_ranked=ranked,
        recent=tuple(reversed(everything[-RECENT:])),
        withdrawn=tuple(withdrawn),
        withdrawn_total=withdrawn_total,
    )


def home_content(
    uow: UnitOfWork, config: ProgrammeConfig, slack_id: str, now: datetime
) -> HomeContent:
    """The App Home of a Slack user; team leads also see the open questions, programme
    managers the programme's state (:mod:`bot.services.partners.manager_home`)."""
    summary = credits_summary(uow, config, slack_id, now)
    lead = config.is_team_lead(slack_id)
    questions = tuple(uow.suggestions.open(OPEN_QUESTIONS_SHOWN)) if lead else ()
    return HomeContent(
        summary=summary,
        is_team_lead=lead,
        open_questions=questions,
        open_count=uow.suggestions.count_open() if lead else 0,
        review_channel=config.slack.review_channel,
        updated_at=now,
        how_to_get_listed=config.shoutout.how_to_get_listed,
        manager=manager_home(uow, config, now) if config.is_program_manager(slack_id) else None,
    )


def organisation_text(uow: UnitOfWork, config: ProgrammeConfig, slug: str, now: datetime) -> str:
    """``/credit org <slug>``: points and rank this month and last month."""
    organisation = uow.organisations.get(slug)
    if organisation is None:
        known = ", ".join(sorted(uow.organisations.names())) or "none configured"
        raise NotFound(f"No organisation '{slack_text(slug)}'. Known organisations: {known}.")
    month = Month.of(local_date(now, config.tz))
    report = monthly_report(uow, config, month)
    row = next((o for o in report.organisations if o.slug == slug), None)
    people = sum(1 for m in report.members if m.organisation == slug)
    label = month.label()
    if row is None or row.points == 0:
        previous = row.previous_points if row is not None else 0
        return f"*{organisation.name}* has no points yet in {label} ({previous} points last month)."
    rank = f"rank {row.rank}" if row.rank is not None else "not ranked (staff)"
    moved = ""
    if row.rank_change:
        moved = f", {'up' if row.rank_change > 0 else 'down'} {abs(row.rank_change)}"
    return (
        f"*{organisation.name}* in {label}: {row.points} points from "
        f"{plural(people, 'contributor')}, {rank}{moved} "
        f"(last month: {row.previous_points} points)."
    )
