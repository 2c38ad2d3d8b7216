"""discourse.solution_type is checked against the contribution types when loading."""

from __future__ import annotations

import pytest

from bot.config import parse_config
from bot.errors import ConfigError


def test_a_solution_type_that_is_not_a_contribution_type_is_refused_at_load() -> None:
    data = {
        "contribution_types": {"help": {"points": 1}},
        "slack": {"default_type": "help"},
        "discourse": {"support_category_ids": [7]},
    }
    with pytest.raises(ConfigError, match=r"discourse\.solution_type: 'support' is not one of"):
        parse_config(data, "creditbot.yml")


def test_a_configured_solution_type_and_caps_are_read() -> None:
    config = parse_config(
        {
            "contribution_types": {"help": {"points": 1}},
            "slack": {"default_type": "help"},
            "discourse": {
                "support_category_ids": [7],
                "solution_type": "help",
                "solutions_per_pair_per_month": 3,
            },
        },
        "creditbot.yml",
    )
    assert config.discourse.solution_type == "help"
    assert config.discourse.solutions_per_pair_per_month == 3
    assert config.discourse.solutions_per_member_per_day == 5
