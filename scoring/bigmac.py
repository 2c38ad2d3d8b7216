"""The financial minimum of a partner, adjusted for its country by the Big Mac index.

The Economist's Big Mac index compares the price of one burger around the world; the
ratio of a country's dollar price to the American one says how far a dollar goes
there. A partner in a country where the burger costs half as much in dollars is asked
for half the dollars: ``threshold = financial_minimum_usd * local_dollar_price /
us_dollar_price``.

The prices below are typed in from one pinned release (``RELEASE``): every country of
The Economist's big-mac-data release and the euro area. The data is The Economist's,
published under CC BY 4.0 (credited in the README). Countries of the euro area use the
euro-area figure. A country not in the table takes a manual ratio from
``partner_rules.bigmac_overrides``; without one, :class:`MissingBigMacFigure` says
which entry to add, and partner standing falls back to the unadjusted minimum.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from scoring.errors import MissingBigMacFigure

#: The release the figures come from (The Economist, Big Mac index, July 2024 edition).
RELEASE = "2024-07"
RELEASE_LABEL = "The Economist's Big Mac index, July 2024 edition"

#: Where the euro-area figure is kept in :data:`DOLLAR_PRICES`.
EURO_AREA = "EUZ"

#: The price of a Big Mac in US dollars at the release's exchange rates (the
#: ``dollar_price`` column of the release's ``big-mac-full-index.csv`` for 2024-07-01),
#: by ISO 3166 alpha-2 code (``EUZ``: the euro area). Typed in by hand: every figure
#: must be checked against that file before a release of creditbot relies on it
#: (``tests/unit/scoring/test_bigmac.py`` pins a few).
DOLLAR_PRICES: Mapping[str, float] = {
    "US": 5.69,
    EURO_AREA: 6.06,
    "AE": 5.18,  # United Arab Emirates
    "AR": 6.55,
    "AU": 5.16,
    "AZ": 3.87,
    "BH": 4.24,  # Bahrain
    "BR": 4.44,
    "CA": 5.52,
    "CH": 8.07,
    "CL": 4.96,
    "CN": 3.44,
    "CO": 4.72,
    "CR": 5.62,
    "CZ": 4.77,
    "DK": 5.66,
    "EG": 2.47,
    "GB": 5.68,
    "GT": 4.16,  # Guatemala
    "HK": 2.94,
    "HN": 3.83,  # Honduras
    "HU": 5.19,
    "ID": 2.46,
    "IL": 5.17,
    "IN": 2.75,
    "JO": 3.66,  # Jordan
    "JP": 2.97,
    "KR": 3.97,
    "KW": 3.38,  # Kuwait
    "LB": 4.50,  # Lebanon
    "MD": 3.03,  # Moldova
    "MX": 4.78,
    "MY": 2.91,
    "NI": 3.78,  # Nicaragua
    "NO": 6.77,
    "NZ": 4.79,
    "OM": 3.52,  # Oman
    "PE": 3.79,
    "PH": 3.67,
    "PK": 3.43,
    "PL": 5.27,
    "QA": 3.57,  # Qatar
    "RO": 3.92,
    "SA": 4.80,
    "SE": 5.60,
    "SG": 5.18,
    "TH": 3.50,
    "TR": 4.24,
    "TW": 2.28,
    "UA": 2.57,
    "UY": 7.07,
    "VE": 5.00,
    "VN": 2.72,
    "ZA": 2.85,
}

#: Members of the euro area at the release's date (they share the euro-area figure).
EURO_AREA_COUNTRIES: frozenset[str] = frozenset(
    {
        "AT",
        "BE",
        "CY",
        "DE",
        "EE",
        "ES",
        "FI",
        "FR",
        "GR",
        "HR",
        "IE",
        "IT",
        "LT",
        "LU",
        "LV",
        "MT",
        "NL",
        "PT",
        "SI",
        "SK",
    }
)


@dataclass(frozen=True)
class BigMacRatio:
    """How a country's minimum compares with the American one, and where that comes from."""

    country: str
    ratio: float
    source: str  # "override", "table" or "euro area"


def bigmac_ratio(country: str | None, overrides: Mapping[str, float] | None = None) -> BigMacRatio:
    """The local/US price ratio for ``country`` (ISO alpha-2).

    An override wins over the table; a partner with no country is treated as American
    (ratio 1). A country in neither raises :class:`MissingBigMacFigure`.
    """
    code = (country or "US").strip().upper()
    overrides = overrides or {}
    for key, value in overrides.items():
        if key.strip().upper() == code:
            return BigMacRatio(code, float(value), "override")
    us = DOLLAR_PRICES["US"]
    if code in DOLLAR_PRICES:
        return BigMacRatio(code, DOLLAR_PRICES[code] / us, "table")
    if code in EURO_AREA_COUNTRIES:
        return BigMacRatio(code, DOLLAR_PRICES[EURO_AREA] / us, "euro area")
    raise MissingBigMacFigure(code, RELEASE_LABEL)


def financial_threshold(
    minimum_usd: float, country: str | None, overrides: Mapping[str, float] | None = None
) -> float:
    """The monthly payment a partner in ``country`` owes, in US dollars, rounded to cents."""
    if minimum_usd <= 0:
        return 0.0
    return round(minimum_usd * bigmac_ratio(country, overrides).ratio, 2)
