"""The pinned Big Mac table: ratios, the euro area and overrides."""

from __future__ import annotations

import pytest

from scoring.bigmac import (
    DOLLAR_PRICES,
    EURO_AREA_COUNTRIES,
    RELEASE,
    bigmac_ratio,
    financial_threshold,
)
from scoring.errors import MissingBigMacFigure


def test_the_united_states_is_the_reference() -> None:
    assert bigmac_ratio("US").ratio == 1
    assert financial_threshold(100, "US") == 100


def test_a_partner_without_a_country_is_held_to_the_dollar_minimum() -> None:
    assert financial_threshold(100, None) == 100


@pytest.mark.parametrize(
    ("country", "expected"),
    [("IN", 48.33), ("ZA", 50.09), ("CH", 141.83), ("NO", 118.98), ("PL", 92.62)],
)
def test_the_threshold_scales_with_the_local_dollar_price(country: str, expected: float) -> None:
    assert financial_threshold(100, country) == expected


def test_every_euro_area_member_uses_the_euro_area_figure() -> None:
    ratios = {bigmac_ratio(c).ratio for c in EURO_AREA_COUNTRIES}
    assert len(ratios) == 1
    assert bigmac_ratio("it").source == "euro area"


def test_an_override_wins_over_the_table() -> None:
    assert financial_threshold(100, "IN", {"in": 0.25}) == 25


def test_a_missing_country_asks_for_an_override_and_names_the_release() -> None:
    with pytest.raises(MissingBigMacFigure) as error:
        bigmac_ratio("KE")
    assert "partner_rules.bigmac_overrides" in str(error.value)
    assert "July 2024" in str(error.value)


def test_a_zero_minimum_needs_no_figure_at_all() -> None:
    assert financial_threshold(0, "KE") == 0


def test_the_table_is_pinned_to_one_release_with_plausible_prices() -> None:
    assert RELEASE == "2024-07"
    assert all(1 < price < 10 for price in DOLLAR_PRICES.values())


def test_the_table_holds_every_country_of_the_release() -> None:
    assert len(DOLLAR_PRICES) >= 54
    for country in ("GB", "JP", "BR", "MX", "AU", "CN", "KR", "SG", "TR", "VN"):
        assert bigmac_ratio(country).source == "table"


@pytest.mark.parametrize(
    ("country", "price"),
    [("US", 5.69), ("CH", 8.07), ("EUZ", 6.06), ("GB", 5.68), ("JP", 2.97), ("EG", 2.47)],
)
def test_a_few_figures_are_pinned_to_the_release(country: str, price: float) -> None:
    assert DOLLAR_PRICES[country] == price
