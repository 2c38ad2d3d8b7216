"""The public partner directory: ranking, the featured few, and filters.

Partners are ranked by their points of one month (highest first; ties share a rank
and are ordered by name). The first ``featured`` partners *with points* are featured.
Filters match a service, a region and a language case-insensitively, ignoring
spaces, hyphens and underscores; a partner serving the region ``Global`` (or
``Worldwide``) serves every region.
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass

FEATURED = 3
EVERYWHERE = frozenset({"global", "worldwide", "world wide", "everywhere", "any"})
_SEPARATORS = re.compile(r"[\s_\-]+")


def normalise_term(text: str) -> str:
    """The form two spellings of a service, region or language are compared in."""
    return _SEPARATORS.sub(" ", unicodedata.normalize("NFKC", text)).strip().casefold()


def slugify(text: str) -> str:
    """An ASCII path segment for a term (``Instructional design`` -> ``instructional-design``),
    different for different terms: when the plain slug drops more than accents, something
    that may tell terms apart (``C++`` and ``C``, ``C#``), a digest of the term follows it
    (``c-5a2f4b``)."""
    term = normalise_term(text)
    ascii_text = unicodedata.normalize("NFKD", term).encode("ascii", "ignore").decode("ascii")
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_text).strip("-")
    if slug and ascii_text == slug.replace("-", " "):
        return slug
    digest = hashlib.sha256(term.encode("utf-8")).hexdigest()[:6]
    return f"{slug}-{digest}" if slug else f"x-{digest}"


@dataclass(frozen=True)
class PartnerEntry:
    """What the directory knows of one listed partner."""

    slug: str
    name: str
    points: int
    tier: str | None = None
    badges: tuple[str, ...] = ()
    services: tuple[str, ...] = ()
    regions: tuple[str, ...] = ()
    languages: tuple[str, ...] = ()


@dataclass(frozen=True)
class RankedPartner:
    rank: int
    featured: bool
    entry: PartnerEntry


def rank_partners(
    entries: Iterable[PartnerEntry], featured: int = FEATURED
) -> tuple[RankedPartner, ...]:
    """Every partner, highest points first (1-2-2-4 ranks; ties by name, then slug), the
    first ``featured`` ones with points marked as featured."""
    ordered = sorted(entries, key=lambda e: (-e.points, e.name.casefold(), e.slug))
    ranked: list[RankedPartner] = []
    featured_left = featured
    for index, entry in enumerate(ordered):
        rank = ranked[-1].rank if index and entry.points == ordered[index - 1].points else index + 1
        is_featured = featured_left > 0 and entry.points > 0
        if is_featured:
            featured_left -= 1
        ranked.append(RankedPartner(rank, is_featured, entry))
    return tuple(ranked)


def serves(terms: Iterable[str], wanted: str) -> bool:
    """Whether one of ``terms`` is ``wanted`` (compared by :func:`normalise_term`)."""
    target = normalise_term(wanted)
    return any(normalise_term(t) == target for t in terms)


def serves_region(regions: Iterable[str], wanted: str) -> bool:
    """Whether a partner with ``regions`` serves ``wanted`` (``Global`` serves all)."""
    normalised = {normalise_term(r) for r in regions}
    return normalise_term(wanted) in normalised or bool(normalised & EVERYWHERE)


@dataclass(frozen=True)
class DirectoryFilter:
    """The directory's filters; ``None`` (or empty) lets every partner through."""

    service: str | None = None
    region: str | None = None
    language: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.service or self.region or self.language)

    def matches(self, entry: PartnerEntry) -> bool:
        if self.service and not serves(entry.services, self.service):
            return False
        if self.region and not serves_region(entry.regions, self.region):
            return False
        return not (self.language and not serves(entry.languages, self.language))


def distinct_terms(groups: Iterable[Iterable[str]]) -> tuple[str, ...]:
    """Every term once (the first spelling met), sorted case-insensitively."""
    seen: dict[str, str] = {}
    for group in groups:
        for term in group:
            key = normalise_term(term)
            if key and key not in seen:
                seen[key] = " ".join(term.split())
    return tuple(sorted(seen.values(), key=lambda t: (normalise_term(t), t)))
