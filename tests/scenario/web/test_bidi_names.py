"""The public pages show a name with Unicode's direction overrides or isolates in the
order it was typed: no page a visitor can reach carries U+202A-U+202E or U+2066-U+2069."""

from __future__ import annotations

from typing import Any

import httpx
import pytest

from bot.runtime import Runtime
from tests.integration.web.community import OCT, credit
from tests.scenario.web.test_privacy import crawl

BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
#: With the override a visitor would read "Gamma gnitsoH": typed, it is "Gamma Hosting".
ORGANISATION = "Gamma \u202egnitsoH\u202c"
MEMBER = "Iris \u2067\u202esirI\u2069 Ito"


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    gamma = next(o for o in config_data["organisations"] if o["slug"] == "gamma")
    gamma["name"] = ORGANISATION
    return config_data


def test_no_public_page_carries_a_direction_override_from_a_name(
    community: Runtime, fresh_site: httpx.Client
) -> None:
    credit(community, "iris@gamma.example", MEMBER, OCT, 7)

    pages = {path: text for path, text in crawl(fresh_site).items() if not path.startswith("/api")}

    assert "/partners/gamma" in pages and "/reports/2026-10" in pages
    carrying = [path for path, text in pages.items() if any(c in BIDI for c in text)]
    assert carrying == []
    assert "Gamma gnitsoH" in pages["/partners/gamma"]
    assert "Iris sirI Ito" in pages["/reports/2026-10"]
