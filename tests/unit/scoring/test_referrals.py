"""Fair referrals: eligibility, the longest wait first, ties by tier, counts per quarter."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from scoring.errors import NoPartnerForLead
from scoring.months import Month
from scoring.referrals import Candidate, LeadRequest, assign_lead, count_leads, quarter_of

HOSTING_EU = LeadRequest(region="Europe", category="hosting")


def partner(slug: str, **changes: object) -> Candidate:
    fields: dict[str, object] = {
        "slug": slug,
        "name": slug.capitalize(),
        "listed": True,
        "referrals_paused": False,
        "regions": ("Europe",),
        "services": ("Hosting",),
    }
    fields.update(changes)
    return Candidate(**fields)  # type: ignore[arg-type]


def at(day: int) -> datetime:
    return datetime(2026, 10, day, 12, tzinfo=UTC)


def test_the_partner_that_waited_longest_gets_the_lead() -> None:
    chosen = assign_lead(
        HOSTING_EU,
        [partner("a", last_lead_at=at(20)), partner("b", last_lead_at=at(3))],
    ).chosen
    assert chosen.slug == "b"


def test_a_partner_that_never_had_a_lead_goes_before_one_that_had() -> None:
    chosen = assign_lead(
        HOSTING_EU, [partner("a", last_lead_at=at(1)), partner("z", last_lead_at=None)]
    ).chosen
    assert chosen.slug == "z"


def test_equal_waits_go_to_the_higher_tier_then_by_name() -> None:
    tiered = assign_lead(HOSTING_EU, [partner("a"), partner("b", tier_level=2, tier="Silver")])
    assert tiered.chosen.slug == "b"
    assert "lower tier" in tiered.explanation(HOSTING_EU)
    assert assign_lead(HOSTING_EU, [partner("b"), partner("a")]).chosen.slug == "a"


def test_a_paused_partner_is_skipped_even_when_it_waited_longest() -> None:
    assignment = assign_lead(
        HOSTING_EU,
        [
            partner("paused", referrals_paused=True, last_lead_at=None),
            partner("open", last_lead_at=at(30)),
        ],
    )
    assert assignment.chosen.slug == "open"
    assert ("paused", "referrals paused") in [(c.slug, why) for c, why in assignment.skipped]


def test_unlisted_and_partners_serving_elsewhere_or_something_else_are_skipped() -> None:
    assignment = assign_lead(
        HOSTING_EU,
        [
            partner("gone", listed=False),
            partner("asia", regions=("Asia",)),
            partner("design", services=("Instructional design",)),
            partner("world", regions=("Global",), last_lead_at=at(5)),
        ],
    )
    assert assignment.chosen.slug == "world"
    reasons = dict((c.slug, why) for c, why in assignment.skipped)
    assert reasons == {
        "asia": "does not serve Europe",
        "design": "does not offer hosting",
        "gone": "not listed",
    }


def test_no_partner_for_a_lead_says_why_for_each() -> None:
    with pytest.raises(NoPartnerForLead) as raised:
        assign_lead(HOSTING_EU, [partner("a", referrals_paused=True)])
    assert "A (referrals paused)" in str(raised.value)


def test_the_explanation_names_the_wait_of_everyone_who_could_have_taken_it() -> None:
    assignment = assign_lead(
        HOSTING_EU, [partner("a", last_lead_at=at(2)), partner("b", last_lead_at=at(9))]
    )
    text = assignment.explanation(HOSTING_EU)
    assert "A (a) serves Europe and hosting, and last had one on 2026-10-02." in text
    assert "Waited longest of 2 who could take it (B: 2026-10-09)." in text


def test_quarters_run_january_to_march_and_so_on() -> None:
    assert quarter_of(Month(2026, 1)) == "2026-Q1"
    assert quarter_of(Month(2026, 3)) == "2026-Q1"
    assert quarter_of(Month(2026, 12)) == "2026-Q4"


def test_leads_are_counted_per_quarter_region_and_partner() -> None:
    counts = count_leads(
        [
            (Month(2026, 1), "Europe", "a"),
            (Month(2026, 2), "europe", "b"),
            (Month(2026, 3), "Asia", "a"),
            (Month(2026, 4), "Europe", "a"),
        ],
        {"a": "Acme", "b": "Beta"},
    )
    assert [q.quarter for q in counts] == ["2026-Q2", "2026-Q1"]
    q1 = counts[1]
    assert q1.total == 3
    assert q1.by_region == (("Europe", 2), ("Asia", 1))
    assert q1.by_partner == (("Acme", 2), ("Beta", 1))
