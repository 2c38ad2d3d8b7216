"""The public partner directory, partner pages and partners by year.

(Over 300 lines: one public view (the directory, a partner's page, a year) and the
single filter of what may be public.)

Only what may be public leaves this module: names, points, tiers and badges, the
reviewed profile, the names of people who agreed to be shown. A partner appears when
it is *listed* (its last standing evaluation did not remove it; a partner never
evaluated is listed); nothing says why a partner is absent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

from bot.config import ProgrammeConfig
from bot.services.partners.facts import tier_rules
from bot.services.partners.profiles import PartnerProfile, stored_profile
from bot.services.partners.standing import PartnerStatus, partner_statuses
from scoring.directory import (
    DirectoryFilter,
    PartnerEntry,
    distinct_terms,
    rank_partners,
)
from scoring.months import Month, month_of
from scoring.recognition import ListingStep, years_listed
from storage.uow import UnitOfWork

ACTIVITY_MONTHS = 3


def last_month(now: datetime, tz: ZoneInfo) -> Month:
    """The month just ended: the one the directory ranks by."""
    return month_of(now, tz).previous()


@dataclass(frozen=True)
class PartnerCard:
    """One partner as the directory shows it."""

    rank: int
    featured: bool
    slug: str
    name: str
    points: int
    tier: str | None
    badges: tuple[str, ...]
    services: tuple[str, ...]
    regions: tuple[str, ...]
    languages: tuple[str, ...]
    logo_url: str | None
    website: str | None
    description: str

    @property
    def initials(self) -> str:
        words = [w for w in self.name.split() if w[:1].isalnum()]
        return "".join(w[0] for w in words[:2]).upper() or self.slug[:2].upper()

    def to_json(self) -> dict[str, Any]:
        return {
            "rank": self.rank,
            "featured": self.featured,
            "slug": self.slug,
            "name": self.name,
            "points": self.points,
            "tier": self.tier,
            "badges": list(self.badges),
            "services": list(self.services),
            "regions": list(self.regions),
            "languages": list(self.languages),
            "logo_url": self.logo_url,
            "website": self.website,
            "description": self.description,
        }


@dataclass(frozen=True)
class Directory:
    month: Month
    cards: tuple[PartnerCard, ...]  # every listed partner, ranked
    shown: tuple[PartnerCard, ...]  # those matching the filter
    chosen: DirectoryFilter
    options: dict[str, tuple[str, ...]]
    years: tuple[int, ...]

    @property
    def featured(self) -> tuple[PartnerCard, ...]:
        return tuple(c for c in self.cards if c.featured)

    def to_json(self) -> dict[str, Any]:
        return {
            "month": str(self.month),
            "filters": {
                "service": self.chosen.service,
                "region": self.chosen.region,
                "language": self.chosen.language,
            },
            "featured": [c.slug for c in self.featured],
            "partners": [c.to_json() for c in self.shown],
            "options": {k: list(v) for k, v in self.options.items()},
            "years": list(self.years),
        }


def _listed(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> list[PartnerStatus]:
    return [s for s in partner_statuses(uow, config, month) if s.listed]


def _cards(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> tuple[PartnerCard, ...]:
    points = uow.monthly.organisation_points(str(month))
    statuses = _listed(uow, config, month)
    profiles: dict[str, PartnerProfile | None] = {
        s.slug: stored_profile(uow, s.slug) for s in statuses
    }
    entries = []
    for s in statuses:
        profile = profiles[s.slug]
        entries.append(
            PartnerEntry(
                slug=s.slug,
                name=s.name,
                points=points.get(s.slug, 0),
                tier=s.tier.name,
                badges=s.tier.badges,
                services=tuple(profile.services) if profile else (),
                regions=tuple(profile.regions) if profile else (),
                languages=tuple(profile.languages) if profile else (),
            )
        )
    cards: list[PartnerCard] = []
    for ranked in rank_partners(entries, config.web.featured_partners):
        e = ranked.entry
        profile = profiles[e.slug]
        cards.append(
            PartnerCard(
                rank=ranked.rank,
                featured=ranked.featured,
                slug=e.slug,
                name=e.name,
                points=e.points,
                tier=e.tier,
                badges=e.badges,
                services=e.services,
                regions=e.regions,
                languages=e.languages,
                logo_url=profile.logo_url if profile else None,
                website=profile.website if profile else None,
                description=profile.description if profile else "",
            )
        )
    return tuple(cards)


def _entry(card: PartnerCard) -> PartnerEntry:
    return PartnerEntry(
        card.slug,
        card.name,
        card.points,
        card.tier,
        card.badges,
        card.services,
        card.regions,
        card.languages,
    )


def directory(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    now: datetime,
    chosen: DirectoryFilter | None = None,
) -> Directory:
    """The listed partners ranked by last month's points, filtered by ``chosen``."""
    chosen = chosen or DirectoryFilter()
    month = last_month(now, config.tz)
    cards = _cards(uow, config, month)
    return Directory(
        month=month,
        cards=cards,
        shown=tuple(c for c in cards if chosen.matches(_entry(c))),
        chosen=chosen,
        options={
            "service": distinct_terms(c.services for c in cards),
            "region": distinct_terms(c.regions for c in cards),
            "language": distinct_terms(c.languages for c in cards),
        },
        years=tuple(sorted(partners_by_year(uow, config, now), reverse=True)),
    )


# -- a partner's page --------------------------------------------------------------------
@dataclass(frozen=True)
class PublicContributor:
    name: str
    points: int
    credits: int


@dataclass(frozen=True)
class TypeTotal:
    type: str
    credits: int
    points: int


@dataclass(frozen=True)
class PartnerPage:
    card: PartnerCard
    month: Month
    links: tuple[tuple[str, str], ...]
    contributors: tuple[PublicContributor, ...]
    months: tuple[Month, ...]
    activity: dict[str, tuple[int, ...]] = field(default_factory=dict)  # type -> points/month
    by_type: tuple[TypeTotal, ...] = ()
    years: tuple[int, ...] = ()

    def to_json(self) -> dict[str, Any]:
        return {
            **self.card.to_json(),
            "month": str(self.month),
            "links": [{"title": t, "url": u} for t, u in self.links],
            "contributors": [
                {"name": c.name, "points": c.points, "credits": c.credits}
                for c in self.contributors
            ],
            "activity": {
                "months": [str(m) for m in self.months],
                "points_by_type": {t: list(v) for t, v in self.activity.items()},
            },
            "contributions_by_type": [
                {"type": t.type, "credits": t.credits, "points": t.points} for t in self.by_type
            ],
            "years": list(self.years),
        }


def partner_page(
    uow: UnitOfWork, config: ProgrammeConfig, slug: str, now: datetime
) -> PartnerPage | None:
    """A listed partner's page; None for anyone else (unknown, not a partner, not listed)."""
    month = last_month(now, config.tz)
    card = next((c for c in _cards(uow, config, month) if c.slug == slug), None)
    if card is None:
        return None
    profile = stored_profile(uow, slug)
    contributors = tuple(
        PublicContributor(c.name, c.points, c.credits)
        for c in uow.monthly.contributors(slug, str(month))
        if c.show_publicly
    )
    months = tuple(month.shift(-k) for k in range(ACTIVITY_MONTHS - 1, -1, -1))
    per_month = []
    for m in months:
        m_start, m_end = m.bounds(config.tz)
        per_month.append(uow.public.by_type(slug, m_start, m_end))
    order = [t for t in config.contribution_types]
    types = [t for t in order if any(t in pm for pm in per_month)]
    types += sorted({t for pm in per_month for t in pm} - set(types))
    activity = {t: tuple(pm.get(t, (0, 0))[1] for pm in per_month) for t in types}
    by_type = tuple(
        sorted(
            (
                TypeTotal(
                    t,
                    sum(pm.get(t, (0, 0))[0] for pm in per_month),
                    sum(pm.get(t, (0, 0))[1] for pm in per_month),
                )
                for t in types
            ),
            key=lambda tt: (-tt.credits, -tt.points, tt.type),
        )
    )
    years = tuple(
        sorted((y for y, slugs in partners_by_year(uow, config, now).items() if slug in slugs))
    )
    return PartnerPage(
        card=card,
        month=month,
        links=tuple((link.title, link.url) for link in (profile.links if profile else [])),
        contributors=contributors,
        months=months,
        activity=activity,
        by_type=by_type,
        years=years,
    )


# -- partners by year --------------------------------------------------------------------
@dataclass(frozen=True)
class YearPartner:
    slug: str
    name: str
    listed_now: bool  # has a page to link to


def partners_by_year(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime
) -> dict[int, dict[str, YearPartner]]:
    """For each year, the partners listed at some point in it (by slug)."""
    current = month_of(now, config.tz)
    since = {o.slug: o.partner_since for o in config.organisations if o.partner_since}
    out: dict[int, dict[str, YearPartner]] = {}
    for org in uow.organisations.all():
        steps = uow.standing.history(org.slug)
        if not org.partner and not steps:
            continue
        # Listed now: the same rule as the directory (the last evaluation, or never evaluated).
        listed_now = org.partner and (not steps or steps[-1].listed)
        start = since.get(org.slug)
        years = years_listed(
            [ListingStep(s.month, s.listed) for s in steps],
            Month.of(start) if start else None,
            org.partner,
            current,
        )
        for year in years:
            out.setdefault(year, {})[org.slug] = YearPartner(org.slug, org.name, listed_now)
    return out


def year_list(
    uow: UnitOfWork, config: ProgrammeConfig, year: int, now: datetime
) -> tuple[YearPartner, ...] | None:
    """The partners recognised for ``year`` by name; None when the year has none."""
    found = partners_by_year(uow, config, now).get(year)
    if not found:
        return None
    return tuple(sorted(found.values(), key=lambda p: (p.name.casefold(), p.slug)))


def tier_level(config: ProgrammeConfig, tier: str | None) -> int:
    """1 for the lowest tier, 2 for the next...; 0 for no tier."""
    names = [name for name, _ in tier_rules(config).levels]
    return names.index(tier) + 1 if tier in names else 0
