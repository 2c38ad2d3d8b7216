"""Fair referrals: which partner gets a lead, and why.

A partner may receive a lead when it is listed, its referrals are not paused, and its
profile serves the lead's region (``Global`` serves all) and category (one of its
services). Among those, the partner that has waited longest since its last lead goes
first (one that never had a lead has waited longest); equal waits go to the higher
tier (more badges), then by name. The explanation says all of that in a few lines.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from scoring.directory import normalise_term, serves, serves_region
from scoring.errors import NoPartnerForLead
from scoring.months import Month


@dataclass(frozen=True)
class LeadRequest:
    region: str
    category: str
    size: str | None = None


@dataclass(frozen=True)
class Candidate:
    """A partner as the rotation sees it."""

    slug: str
    name: str
    listed: bool
    referrals_paused: bool
    regions: tuple[str, ...]
    services: tuple[str, ...]
    tier_level: int = 0  # 0: no tier; higher is better
    tier: str | None = None
    last_lead_at: datetime | None = None


@dataclass(frozen=True)
class Assignment:
    chosen: Candidate
    eligible: tuple[Candidate, ...]  # in rotation order, the chosen one first
    skipped: tuple[tuple[Candidate, str], ...]

    def explanation(self, request: LeadRequest) -> str:
        """Why ``chosen`` got the lead, in a few lines for the programme manager."""
        c = self.chosen
        waited = (
            "has never had a lead"
            if c.last_lead_at is None
            else f"last had one on {c.last_lead_at:%Y-%m-%d}"
        )
        lines = [
            f"{c.name} ({c.slug}) serves {request.region} and {request.category}, and {waited}."
        ]
        others = self.eligible[1:]
        if others:
            behind = "; ".join(
                f"{o.name}: "
                + ("never" if o.last_lead_at is None else f"{o.last_lead_at:%Y-%m-%d}")
                + _tie_note(c, o)
                for o in others
            )
            lines.append(f"Waited longest of {len(self.eligible)} who could take it ({behind}).")
        else:
            lines.append("The only partner who could take it.")
        if self.skipped:
            lines.append(
                "Not eligible: " + "; ".join(f"{s.name} ({why})" for s, why in self.skipped) + "."
            )
        return "\n".join(lines)


def _tie_note(chosen: Candidate, other: Candidate) -> str:
    if chosen.last_lead_at != other.last_lead_at:
        return ""
    if chosen.tier_level != other.tier_level:
        return f", same wait, lower tier ({other.tier or 'none'} < {chosen.tier or 'none'})"
    return ", same wait and tier, after by name"


def why_not(candidate: Candidate, request: LeadRequest) -> str | None:
    """Why a partner cannot take this lead, or None if it can."""
    if not candidate.listed:
        return "not listed"
    if candidate.referrals_paused:
        return "referrals paused"
    if not candidate.services and not candidate.regions:
        return "no profile"
    if not serves_region(candidate.regions, request.region):
        return f"does not serve {request.region}"
    if not serves(candidate.services, request.category):
        return f"does not offer {request.category}"
    return None


def rotation_key(candidate: Candidate) -> tuple[int, float, int, str, str]:
    """Longest wait first (never had a lead before anyone), then higher tier, then name."""
    last = candidate.last_lead_at
    return (
        0 if last is None else 1,
        0.0 if last is None else last.timestamp(),
        -candidate.tier_level,
        candidate.name.casefold(),
        candidate.slug,
    )


def assign_lead(request: LeadRequest, candidates: Iterable[Candidate]) -> Assignment:
    """The partner that gets the lead; :class:`NoPartnerForLead` when none can."""
    eligible: list[Candidate] = []
    skipped: list[tuple[Candidate, str]] = []
    for candidate in sorted(candidates, key=lambda c: (c.name.casefold(), c.slug)):
        reason = why_not(candidate, request)
        if reason is None:
            eligible.append(candidate)
        else:
            skipped.append((candidate, reason))
    if not eligible:
        raise NoPartnerForLead(request, skipped)
    eligible.sort(key=rotation_key)
    return Assignment(eligible[0], tuple(eligible), tuple(skipped))


# -- the public count of leads -----------------------------------------------------------
def quarter_of(month: Month) -> str:
    """``2026-Q4`` for any month of October to December 2026."""
    return f"{month.year:04d}-Q{(month.month - 1) // 3 + 1}"


@dataclass(frozen=True)
class QuarterCounts:
    """How many leads went to each region and each partner in one quarter."""

    quarter: str
    total: int
    by_region: tuple[tuple[str, int], ...]
    by_partner: tuple[tuple[str, int], ...]  # partner name, count


def count_leads(
    leads: Iterable[tuple[Month, str, str]], names: Mapping[str, str]
) -> tuple[QuarterCounts, ...]:
    """Leads ``(month, region, partner slug)`` counted per quarter, newest quarter first;
    regions compared by :func:`normalise_term` (shown in their first spelling), counts
    highest first, then by name."""
    regions: dict[str, dict[str, int]] = {}
    partners: dict[str, dict[str, int]] = {}
    spelling: dict[str, str] = {}
    for month, region, slug in leads:
        quarter = quarter_of(month)
        key = normalise_term(region)
        spelling.setdefault(key, " ".join(region.split()))
        by_region = regions.setdefault(quarter, {})
        by_region[key] = by_region.get(key, 0) + 1
        by_partner = partners.setdefault(quarter, {})
        by_partner[slug] = by_partner.get(slug, 0) + 1
    out: list[QuarterCounts] = []
    for quarter in sorted(regions, reverse=True):
        region_counts = sorted(
            ((spelling[k], n) for k, n in regions[quarter].items()),
            key=lambda item: (-item[1], item[0].casefold()),
        )
        partner_counts = sorted(
            ((names.get(s, s), n) for s, n in partners[quarter].items()),
            key=lambda item: (-item[1], item[0].casefold()),
        )
        out.append(
            QuarterCounts(
                quarter,
                sum(regions[quarter].values()),
                tuple(region_counts),
                tuple(partner_counts),
            )
        )
    return tuple(out)
