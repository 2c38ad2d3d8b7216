"""The directory: ranking by points, the featured few, filters that forgive spelling."""

from __future__ import annotations

from collections.abc import Sequence

from scoring.directory import (
    DirectoryFilter,
    PartnerEntry,
    RankedPartner,
    distinct_terms,
    rank_partners,
    slugify,
)


def entry(slug: str, points: int, **terms: tuple[str, ...]) -> PartnerEntry:
    return PartnerEntry(slug=slug, name=slug.capitalize(), points=points, **terms)


def shown(ranked: Sequence[RankedPartner], chosen: DirectoryFilter) -> tuple[RankedPartner, ...]:
    """What the directory shows for ``chosen``: the matching partners, in rank order."""
    return tuple(r for r in ranked if chosen.matches(r.entry))


def test_partners_are_ranked_by_points_with_ties_sharing_a_rank_in_name_order() -> None:
    ranked = rank_partners([entry("delta", 3), entry("beta", 9), entry("alpha", 9), entry("c", 5)])
    assert [(r.rank, r.entry.slug) for r in ranked] == [
        (1, "alpha"),
        (1, "beta"),
        (3, "c"),
        (4, "delta"),
    ]


def test_the_top_three_with_points_are_featured() -> None:
    ranked = rank_partners([entry(s, p) for s, p in [("a", 9), ("b", 8), ("c", 7), ("d", 6)]])
    assert [r.entry.slug for r in ranked if r.featured] == ["a", "b", "c"]


def test_a_partner_without_points_is_never_featured() -> None:
    ranked = rank_partners([entry("a", 4), entry("b", 0), entry("c", 0)])
    assert [r.entry.slug for r in ranked if r.featured] == ["a"]


def test_filters_match_whatever_the_case_spaces_or_hyphens() -> None:
    partners = rank_partners(
        [
            entry("a", 3, services=("Instructional design",), regions=("Europe",)),
            entry("b", 2, services=("Hosting",), regions=("Asia",), languages=("French",)),
        ]
    )
    chosen = DirectoryFilter(service="instructional-design")
    assert [r.entry.slug for r in shown(partners, chosen)] == ["a"]
    assert [r.entry.slug for r in shown(partners, DirectoryFilter(language="FRENCH"))] == ["b"]
    both = DirectoryFilter(service="hosting", region="europe")
    assert shown(partners, both) == ()


def test_a_global_partner_serves_every_region() -> None:
    partners = rank_partners([entry("g", 1, regions=("Global",)), entry("e", 1, regions=("EU",))])
    assert [r.entry.slug for r in shown(partners, DirectoryFilter(region="Asia"))] == ["g"]


def test_no_filter_lets_everyone_through() -> None:
    partners = rank_partners([entry("a", 1), entry("b", 0)])
    assert not DirectoryFilter().active
    assert len(shown(partners, DirectoryFilter())) == 2


def test_filter_options_list_each_term_once() -> None:
    assert distinct_terms([["Hosting", "hosting "], ["Development"], ["HOSTING"]]) == (
        "Development",
        "Hosting",
    )


def test_terms_become_ascii_path_segments() -> None:
    assert slugify("Instructional design") == "instructional-design"
    assert slugify("Amérique latine") == "amerique-latine"
    assert slugify("日本語").startswith("x")


def test_terms_that_differ_only_by_symbols_get_different_slugs() -> None:
    slugs = {slugify(term) for term in ("C", "C++", "C#", "F#", "F", "c")}
    assert len(slugs) == 5  # "C" and "c" are one term
    assert slugify("C") == "c" and slugify("C++").startswith("c-")
    assert slugify("C++") == slugify("c++")
