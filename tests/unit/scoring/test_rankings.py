from __future__ import annotations

from scoring.rankings import build_report, rank_members, rank_organisations
from tests.unit.scoring.builders import make_total


def test_members_are_ranked_by_points_with_ties_in_a_stable_name_order() -> None:
    ranked = rank_members(
        [make_total(3, "carol", 5), make_total(1, "Bob", 9), make_total(2, "alice", 5)]
    )
    assert [(m.rank, m.name) for m in ranked] == [(1, "Bob"), (2, "alice"), (2, "carol")]
    again = rank_members(
        [make_total(2, "alice", 5), make_total(3, "carol", 5), make_total(1, "Bob", 9)]
    )
    assert ranked == again


def test_members_with_equal_names_and_points_are_ordered_by_id() -> None:
    ranked = rank_members([make_total(9, "Sam", 4), make_total(4, "Sam", 4)])
    assert [m.member_id for m in ranked] == [4, 9]


def test_an_organisation_with_nothing_last_month_has_no_previous_rank_and_a_full_delta() -> None:
    ranked = rank_organisations(
        {"acme": 12, "beta": 7}, {"acme": 5}, {"acme": "Acme", "beta": "Beta"}
    )
    beta = next(o for o in ranked if o.slug == "beta")
    assert (beta.points, beta.previous_points, beta.delta_points) == (7, 0, 7)
    assert beta.previous_rank is None and beta.rank == 2 and beta.rank_change is None


def test_an_organisation_active_only_last_month_is_listed_without_a_rank() -> None:
    ranked = rank_organisations({"acme": 3}, {"beta": 8, "acme": 2}, {})
    assert [(o.slug, o.rank, o.previous_rank, o.delta_points) for o in ranked] == [
        ("acme", 1, 2, 1),
        ("beta", None, 1, -8),
    ]


def test_rank_change_counts_places_gained() -> None:
    ranked = rank_organisations({"a": 1, "b": 9}, {"a": 9, "b": 1}, {})
    assert {o.slug: o.rank_change for o in ranked} == {"b": 1, "a": -1}


def test_excluded_staff_organisations_take_no_place_in_the_ranking() -> None:
    ranked = rank_organisations({"core": 50, "acme": 10}, {}, {}, frozenset({"core"}))
    assert [(o.slug, o.rank) for o in ranked] == [("acme", 1)]


def test_tied_organisations_share_a_rank_in_a_stable_order() -> None:
    ranked = rank_organisations(
        {"zeta": 4, "alpha": 4, "mid": 2}, {}, {"zeta": "Zeta", "alpha": "Alpha", "mid": "Mid"}
    )
    assert [(o.slug, o.rank) for o in ranked] == [("alpha", 1), ("zeta", 1), ("mid", 3)]


def test_a_month_with_nothing_gives_an_empty_report_not_an_error() -> None:
    report = build_report("2026-10", [], {}, {}, {}, 0, 0)
    assert report.members == () and report.organisations == () and report.total_points == 0
