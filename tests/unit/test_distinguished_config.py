"""The `distinguished:` section of creditbot.yml: defaults and one-line errors."""

from __future__ import annotations

from typing import Any

import pytest

from bot.config import parse_config
from bot.errors import ConfigError


def programme(**section: Any) -> dict[str, Any]:
    return {"distinguished": section}


def test_the_defaults_are_the_four_tracks_and_the_autumn_calendar() -> None:
    config = parse_config({}, "creditbot.yml")
    rules = config.distinguished.rules
    assert [t.key for t in rules.tracks] == ["engineer", "advocate", "innovator", "partner"]
    assert (rules.opens, rules.closes, rules.decides) == ((9, 1), (10, 31), (12, 1))
    assert (rules.quorum, rules.majority, rules.term_years) == (0.5, 0.5, 2)
    assert (rules.lifetime_after_years, rules.reminder_months_before) == (4, 3)
    partner = rules.track("partner")
    assert partner is not None and partner.nominee == "organisation" and partner.types == ()
    assert not config.is_panel_member("U0ANYONE")


def test_panel_members_are_recognised_by_their_slack_id() -> None:
    config = parse_config(
        programme(panel=[{"user": "U0P1", "constituency": "core"}]), "creditbot.yml"
    )
    assert config.is_panel_member("U0P1")
    assert not config.is_panel_member("U0P2")


@pytest.mark.parametrize(
    ("section", "message"),
    [
        (
            {"nominations_open": "9-1"},
            "creditbot.yml: distinguished.nominations_open: '9-1' is not a date; "
            "expected MM-DD, e.g. 09-01",
        ),
        (
            {"decision_date": "02-29"},
            "creditbot.yml: distinguished.decision_date: '02-29' is not a day of every year "
            "(MM-DD)",
        ),
        (
            {"nominations_open": "11-01"},
            "creditbot.yml: distinguished: nominations_close (10-31) is before nominations_open "
            "(11-01); both fall in the same calendar year",
        ),
        (
            {"decision_date": "10-31"},
            "creditbot.yml: distinguished: decision_date (10-31) must come after "
            "nominations_close (10-31) in the same calendar year",
        ),
        (
            {
                "panel": [
                    {"user": "U0P1", "constituency": "core"},
                    {"user": "U0P1", "constituency": "partners"},
                ]
            },
            "creditbot.yml: distinguished: panel: 'U0P1' has more than one seat",
        ),
        (
            {"tracks": {"engineer": {"name": "Engineer", "types": ["coding"]}}},
            "creditbot.yml: distinguished.tracks.engineer.types: 'coding' is not one of "
            "contribution_types (code, review, support, docs, event, talk, blog, consulting, "
            "bizdev)",
        ),
        (
            {"quorum": 1.5},
            "creditbot.yml: distinguished.quorum: Input should be less than or equal to 1, got 1.5",
        ),
        ({"tracks": {}}, "creditbot.yml: distinguished.tracks: at least one track is needed"),
        (
            {"tracks": {"Star Dev": {"name": "Star"}}},
            "creditbot.yml: distinguished.tracks: track 'Star Dev' must be one lower-case word "
            "(letters, digits, dashes)",
        ),
        (
            {"panel_size": 3},
            "creditbot.yml: distinguished.panel_size: unknown key (check its spelling against "
            "creditbot.example.yml)",
        ),
    ],
)
def test_a_wrong_programme_setting_is_one_clear_line(section: dict[str, Any], message: str) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config(programme(**section), "creditbot.yml")
    assert str(error.value) == message


def test_custom_contribution_types_do_not_break_the_default_tracks() -> None:
    config = parse_config(
        {"contribution_types": {"help": {"points": 1}}, "slack": {"default_type": "help"}},
        "creditbot.yml",
    )
    assert len(config.distinguished.rules.tracks) == 4
