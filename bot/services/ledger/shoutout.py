"""The monthly shout-out: its content, built once from the month's report.

One :class:`ShoutoutContent` is rendered three ways (Block Kit in
``bot/messages/slack/shoutout.py``, Markdown for the Discourse topic and text for the
CLI in ``bot/messages/rendering.py``) and stored as JSON in the published record.
"""

from __future__ import annotations

from bot.config import ProgrammeConfig
from bot.services.ledger.published import corrections_since_published
from bot.services.ledger.reports import monthly_report
from bot.services.people.accounts import corrections_without_hidden
from scoring.models import MonthlyReport
from scoring.months import Month
from scoring.shoutout import ShoutoutContent, ShoutoutMember, ShoutoutOrganisation
from storage.uow import UnitOfWork

NOTE_MAX_CHARS = 2500
NEW_CONTRIBUTORS_NAMED = 20


def build_shoutout(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month
) -> tuple[ShoutoutContent, MonthlyReport]:
    """The shout-out for ``month`` from the ledger as it stands, and the full report."""
    report = monthly_report(uow, config, month)
    settings = config.shoutout
    org_names = {o.slug: o.name for o in uow.organisations.all()}

    listed: list[ShoutoutMember] = []
    for m in report.members:
        if len(listed) == settings.top_members:
            break
        member = uow.members.get(m.member_id)
        if member is not None and not member.show_publicly:
            continue  # counted, not named
        listed.append(
            ShoutoutMember(
                rank=m.rank,
                name=m.name,
                points=m.points,
                credits=m.credits,
                organisation=org_names.get(m.organisation, m.organisation)
                if m.organisation
                else None,
                slack_id=m.slack_id,
                discourse_username=m.discourse_username,
            )
        )
    ranked = [o for o in report.organisations if o.rank is not None]
    organisations = tuple(
        ShoutoutOrganisation(
            rank=o.rank or 0,
            slug=o.slug,
            name=o.name,
            points=o.points,
            previous_points=o.previous_points,
            previous_rank=o.previous_rank,
        )
        for o in ranked[: settings.top_organisations]
    )
    note = uow.reports.note(str(month))
    content = ShoutoutContent(
        month=str(month),
        label=month.label(),
        members=tuple(listed),
        more_members=len(report.members) - len(listed),
        organisations=organisations,
        more_organisations=len(ranked) - len(organisations),
        contributors=len(report.members),
        total_points=report.total_points,
        total_credits=report.total_credits,
        new_contributors=report.new_contributors,
        new_members=report.new_members,
        how_to_get_listed=settings.how_to_get_listed,
        note=note.text if note else None,
        corrections=corrections_without_hidden(
            uow, corrections_since_published(uow, config, month)
        ),
        new_contributor_names=_new_contributor_names(uow, config, month),
    )
    return content, report


def _new_contributor_names(
    uow: UnitOfWork, config: ProgrammeConfig, month: Month
) -> tuple[str, ...]:
    """The first ``NEW_CONTRIBUTORS_NAMED`` new contributors who did not choose to be
    hidden, by their first credit; hidden ones are counted in ``new_contributors`` only."""
    names: list[str] = []
    first_here = uow.monthly.first_months_from(str(month), str(month))
    for member_id in uow.ledger.in_first_credit_order(first_here, *month.bounds(config.tz)):
        member = uow.members.get(member_id)
        if member is None or not member.show_publicly or member.is_bot:
            continue
        names.append(member.name)
        if len(names) == NEW_CONTRIBUTORS_NAMED:
            break
    return tuple(names)
