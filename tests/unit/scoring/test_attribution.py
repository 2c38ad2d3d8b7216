from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from scoring.attribution import (
    email_domain,
    organisation_for_email,
    reattribute,
    resolve_organisation,
    set_manual_affiliation,
)
from scoring.models import AffiliationSource, Organisation
from tests.unit.scoring.builders import domain, make_credit, manual

ORGS = [
    Organisation("acme", "Acme", domains=("acme.example",)),
    Organisation("acme-eu", "Acme Europe", domains=("eu.acme.example",)),
    Organisation("mailco", "Mail Co", domains=("gmail.com",)),
]


def test_a_person_moving_from_acme_to_beta_on_1_june_keeps_acmes_credit_for_may() -> None:
    affiliations = set_manual_affiliation(
        [manual("acme", date(2026, 1, 1))], 1, "beta", date(2026, 6, 1)
    )
    assert resolve_organisation(None, affiliations, date(2026, 5, 31)) == "acme"
    assert resolve_organisation(None, affiliations, date(2026, 6, 1)) == "beta"


def test_explicit_attribution_beats_a_manual_affiliation_which_beats_the_domain() -> None:
    affiliations = [domain("acme"), manual("beta", date(2026, 1, 1))]
    day = date(2026, 3, 1)
    assert resolve_organisation("gamma", affiliations, day) == "gamma"
    assert resolve_organisation(None, affiliations, day) == "beta"
    assert resolve_organisation(None, [domain("acme")], day) == "acme"


def test_no_affiliation_means_independent_not_dropped() -> None:
    assert resolve_organisation(None, [], date(2026, 3, 1)) is None


def test_a_manual_affiliation_applies_only_inside_its_dates_then_the_domain_does() -> None:
    affiliations = [domain("acme"), manual("beta", date(2026, 3, 1), date(2026, 4, 1))]
    assert resolve_organisation(None, affiliations, date(2026, 2, 28)) == "acme"
    assert resolve_organisation(None, affiliations, date(2026, 3, 31)) == "beta"
    assert resolve_organisation(None, affiliations, date(2026, 4, 1)) == "acme"


def test_public_mail_domains_never_affiliate_anyone_even_if_configured() -> None:
    assert organisation_for_email("someone@gmail.com", ORGS) is None
    assert organisation_for_email("someone@outlook.com", ORGS) is None


def test_the_longest_matching_domain_wins_and_subdomains_match() -> None:
    assert organisation_for_email("a@acme.example", ORGS) == "acme"
    assert organisation_for_email("a@dev.acme.example", ORGS) == "acme"
    assert organisation_for_email("a@EU.Acme.Example", ORGS) == "acme-eu"
    assert organisation_for_email("a@notacme.example", ORGS) is None


def test_email_domain_rejects_what_is_not_an_address() -> None:
    assert email_domain("no-at-sign") is None
    assert email_domain("@acme.example") is None
    assert email_domain("x@localhost") is None
    assert email_domain("X@Acme.Example") == "acme.example"


def test_changing_an_affiliation_reattributes_only_the_credits_in_the_changed_dates() -> None:
    may = make_credit(id=1, when=datetime(2026, 5, 20, tzinfo=UTC), organisation="acme")
    june = make_credit(id=2, when=datetime(2026, 6, 2, tzinfo=UTC), organisation="acme")
    on_behalf = make_credit(
        id=3, when=datetime(2026, 6, 3, tzinfo=UTC), organisation="gamma", explicit="gamma"
    )
    affiliations = set_manual_affiliation(
        [manual("acme", date(2026, 1, 1))], 1, "beta", date(2026, 6, 1)
    )
    changes = reattribute([may, june, on_behalf], affiliations, ZoneInfo("UTC"))
    assert [(c.credit_id, c.old, c.new) for c in changes] == [(2, "acme", "beta")]


def test_attribution_uses_the_day_in_the_programme_timezone() -> None:
    # 31 May 23:30 UTC is already 1 June in Paris.
    credit = make_credit(id=1, when=datetime(2026, 5, 31, 23, 30, tzinfo=UTC), organisation="acme")
    affiliations = [manual("acme", None, date(2026, 6, 1)), manual("beta", date(2026, 6, 1))]
    assert [c.new for c in reattribute([credit], affiliations, ZoneInfo("Europe/Paris"))] == [
        "beta"
    ]
    assert reattribute([credit], affiliations, ZoneInfo("UTC")) == []


def test_joining_again_on_the_same_day_replaces_the_manual_affiliation() -> None:
    first = set_manual_affiliation([], 1, "acme", date(2026, 6, 1))
    second = set_manual_affiliation(first, 1, "beta", date(2026, 6, 1))
    assert [(a.organisation, a.start, a.end) for a in second] == [("beta", date(2026, 6, 1), None)]
    assert all(a.source == AffiliationSource.MANUAL for a in second)
