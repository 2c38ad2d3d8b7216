"""Monthly rankings of members and organisations."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence

from scoring.models import MemberTotal, MonthlyReport, RankedMember, RankedOrganisation


def _competition_ranks(points: Sequence[int]) -> list[int]:
    """1-2-2-4 ranks for an already sorted (highest first) list of points."""
    ranks: list[int] = []
    for index, value in enumerate(points):
        if index and value == points[index - 1]:
            ranks.append(ranks[-1])
        else:
            ranks.append(index + 1)
    return ranks


def rank_members(totals: Iterable[MemberTotal]) -> tuple[RankedMember, ...]:
    """Members with points, highest first; ties by name, then id (stable across runs)."""
    ordered = sorted(
        (t for t in totals if t.points > 0),
        key=lambda t: (-t.points, t.name.casefold(), t.member_id),
    )
    ranks = _competition_ranks([t.points for t in ordered])
    return tuple(
        RankedMember(
            rank=rank,
            member_id=t.member_id,
            name=t.name,
            points=t.points,
            credits=t.credits,
            organisation=t.organisation,
            slack_id=t.slack_id,
            discourse_username=t.discourse_username,
        )
        for rank, t in zip(ranks, ordered, strict=True)
    )


def _rank_map(points: Mapping[str, int], names: Mapping[str, str]) -> dict[str, int]:
    ordered = sorted(
        (slug for slug, value in points.items() if value > 0),
        key=lambda slug: (-points[slug], names.get(slug, slug).casefold(), slug),
    )
    ranks = _competition_ranks([points[slug] for slug in ordered])
    return dict(zip(ordered, ranks, strict=True))


def rank_organisations(
    current: Mapping[str, int],
    previous: Mapping[str, int],
    names: Mapping[str, str],
    excluded: frozenset[str] = frozenset(),
) -> tuple[RankedOrganisation, ...]:
    """Organisations with points this month or last, with last month's points and rank.

    ``excluded`` (e.g. staff organisations) are left out of the ranking entirely, so
    they take no place from anyone. An organisation with nothing this month has no rank.
    """
    now = {slug: p for slug, p in current.items() if slug not in excluded}
    before = {slug: p for slug, p in previous.items() if slug not in excluded}
    rank_now = _rank_map(now, names)
    rank_before = _rank_map(before, names)
    slugs = {s for s, p in now.items() if p > 0} | {s for s, p in before.items() if p > 0}
    ordered = sorted(
        slugs,
        key=lambda s: (-now.get(s, 0), -before.get(s, 0), names.get(s, s).casefold(), s),
    )
    return tuple(
        RankedOrganisation(
            slug=slug,
            name=names.get(slug, slug),
            points=now.get(slug, 0),
            rank=rank_now.get(slug),
            previous_points=before.get(slug, 0),
            previous_rank=rank_before.get(slug),
        )
        for slug in ordered
    )


def build_report(
    month: str,
    member_totals: Iterable[MemberTotal],
    org_points: Mapping[str, int],
    previous_org_points: Mapping[str, int],
    org_names: Mapping[str, str],
    new_contributors: int,
    new_members: int,
    excluded_organisations: frozenset[str] = frozenset(),
) -> MonthlyReport:
    """Put one month's numbers together, ranked."""
    members = rank_members(member_totals)
    return MonthlyReport(
        month=month,
        members=members,
        organisations=rank_organisations(
            org_points, previous_org_points, org_names, excluded_organisations
        ),
        new_contributors=new_contributors,
        new_members=new_members,
        total_points=sum(m.points for m in members),
        total_credits=sum(m.credits for m in members),
    )
