"""The standing tests' configuration: two partners under the practical rule (the builders
are in ``tests/support/builders/partners.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from tests.support.builders.partners import partner_rules


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    return partner_rules(config_data)
