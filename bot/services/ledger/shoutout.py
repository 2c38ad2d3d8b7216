"""The monthly shout-out: its content, built once from the month's report.

One :class:`ShoutoutContent` is rendered three ways (Block Kit in
``bot/messages/slack/shoutout.py``, Markdown for the Discourse topic and text for the
CLI in ``bot/messages/rendering.py``) and stored as JSON in the published record.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from typing import Any

from bot.config import ProgrammeConfig
from bot.services.ledger.published import Correction, corrections_since_published
from bot.services.ledger.reports import monthly_report
from scoring.models import MonthlyReport
from scoring.months import Month
from storage.uow import UnitOfWork

NOTE_MAX_CHARS = 2500


@dataclass(frozen=True)
class ShoutoutMember:
    rank: int
    name: str
    points: int
    credits: int
    organisation: str | None  # the organisation's name
    slack_id: str | None = None
    discourse_username: str | None = None


@dataclass(frozen=True)
class ShoutoutOrganisation:
    rank: int
    slug: str
    name: str
    points: int
    previous_points: int
    previous_rank: int | None

    @property
    def delta_points(self) -> int:
        return self.points - self.previous_points

    @property
    def rank_change(self) -> int | None:
        """Places gained (positive) or lost since last month; None if not ranked then."""
        return None if self.previous_rank is None else self.previous_rank - self.rank


@dataclass(frozen=True)
class ShoutoutContent:
    """What a month's shout-out says, whatever it is rendered in."""

    month: str
    label: str
    members: tuple[ShoutoutMember, ...]
    more_members: int
    organisations: tuple[ShoutoutOrganisation, ...]
    more_organisations: int
    contributors: int
    total_points: int
    total_credits: int
    new_contributors: int
    new_members: int
    how_to_get_listed: str
    note: str | None = None
    corrections: tuple[Correction, ...] = ()

    @property
    def quiet(self) -> bool:
        """Nobody was credited this month."""
        return self.contributors == 0

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["corrections"] = [c.to_json() for c in self.corrections]
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> ShoutoutContent:
        fields = dict(data)
        fields["members"] = tuple(ShoutoutMember(**m) for m in data["members"])
        fields["organisations"] = tuple(ShoutoutOrganisation(**o) for o in data["organisations"])
        fields["corrections"] = tuple(Correction.from_json(c) for c in data["corrections"])
        return cls(**fields)


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
        corrections=corrections_since_published(uow, config, month),
    )
    return content, report
