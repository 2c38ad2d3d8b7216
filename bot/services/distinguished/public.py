"""What the public ``/distinguished`` page may show: current members by track, and how
many were recognised in each past cycle.

Only names, organisations, the start of each member's run and the lifetime mark leave
this module. Never nominations themselves (who nominated, why, the evidence), votes,
tallies, declined nominations, e-mail addresses or chat ids. A member who asked not
to be named publicly is counted ("and 1 more"), not named.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from bot.config import ProgrammeConfig
from scoring.records import APPROVED
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class PublicMember:
    name: str
    organisation: str | None
    """A member's organisation today (an organisation member has none)."""
    since: date
    """The start of their current consecutive run in the track."""
    lifetime: bool


@dataclass(frozen=True)
class PublicTrack:
    key: str
    name: str
    nominee: str
    """``member`` or ``organisation``."""
    members: tuple[PublicMember, ...]
    unnamed: int


@dataclass(frozen=True)
class PastCycle:
    year: int
    recognised: int
    by_track: tuple[tuple[str, int], ...]
    """(track name, how many), in the tracks' order."""


@dataclass(frozen=True)
class DistinguishedPage:
    as_of: date
    tracks: tuple[PublicTrack, ...]
    cycles: tuple[PastCycle, ...]
    term_years: int
    lifetime_after_years: int
    nominations_open: str
    nominations_close: str

    @property
    def total(self) -> int:
        return sum(len(t.members) + t.unnamed for t in self.tracks)

    def to_json(self) -> dict[str, Any]:
        return {
            "as_of": self.as_of.isoformat(),
            "tracks": [
                {
                    "key": t.key,
                    "name": t.name,
                    "nominee": t.nominee,
                    "members": [
                        {
                            "name": m.name,
                            "organisation": m.organisation,
                            "since": m.since.isoformat(),
                            "lifetime": m.lifetime,
                        }
                        for m in t.members
                    ],
                    "unnamed": t.unnamed,
                }
                for t in self.tracks
            ],
            "cycles": [
                {
                    "year": c.year,
                    "recognised": c.recognised,
                    "by_track": [{"track": name, "recognised": n} for name, n in c.by_track],
                }
                for c in self.cycles
            ],
            "term_years": self.term_years,
            "lifetime_after_years": self.lifetime_after_years,
        }


def _month_day(month_day: tuple[int, int]) -> str:
    day = date(2001, *month_day)  # any year: the configured days exist in every year
    return f"{day.day} {day:%B}"


def distinguished_page(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime
) -> DistinguishedPage:
    """The programme's public page as of ``now`` (a day in the programme's timezone)."""
    settings = config.distinguished
    today = now.astimezone(config.tz).date()
    org_names = {o.slug: o.name for o in uow.organisations.all()}
    by_track: dict[str, list[PublicMember]] = {key: [] for key in settings.tracks}
    unnamed: Counter[str] = Counter()
    for membership in uow.distinguished.memberships(today):
        if membership.track not in by_track:
            continue  # a track no longer configured
        organisation: str | None = None
        if membership.member_id is not None:
            member = uow.members.get(membership.member_id)
            if member is None or not member.show_publicly:
                unnamed[membership.track] += 1
                continue
            slug = uow.members.organisation_on(member.id, today)
            organisation = org_names.get(slug, slug) if slug else None
        by_track[membership.track].append(
            PublicMember(
                name=membership.name,
                organisation=organisation,
                since=membership.first_started or membership.started,
                lifetime=membership.lifetime,
            )
        )
    tracks = tuple(
        PublicTrack(
            key=key,
            name=track.name,
            nominee=track.nominee,
            members=tuple(sorted(by_track[key], key=lambda m: (m.name.casefold(), m.since))),
            unnamed=unnamed[key],
        )
        for key, track in settings.tracks.items()
    )
    return DistinguishedPage(
        as_of=today,
        tracks=tracks,
        cycles=_past_cycles(uow, config),
        term_years=settings.term_years,
        lifetime_after_years=settings.lifetime_after_years,
        nominations_open=_month_day(settings.rules.opens),
        nominations_close=_month_day(settings.rules.closes),
    )


def _past_cycles(uow: UnitOfWork, config: ProgrammeConfig) -> tuple[PastCycle, ...]:
    """Decided cycles with at least one recognition, newest first: counts of approvals."""
    tracks = config.distinguished.tracks
    counts: dict[int, Counter[str]] = {}
    for nomination in uow.distinguished.nominations(status=APPROVED):
        counts.setdefault(nomination.cycle, Counter())[nomination.track] += 1
    return tuple(
        PastCycle(
            year=year,
            recognised=sum(counted.values()),
            by_track=tuple(
                (tracks[key].name if key in tracks else key, counted[key])
                for key in [*tracks, *sorted(set(counted) - set(tracks))]
                if counted[key]
            ),
        )
        for year, counted in sorted(counts.items(), reverse=True)
    )
