"""The Distinguished Contributor tests' configuration and clock (the builders are in
``tests/support/builders/distinguished.py``)."""

from __future__ import annotations

from typing import Any

import pytest

from bot.runtime import Runtime
from tests.support.builders.distinguished import IN_WINDOW, PANEL
from tests.support.clock import FixedClock


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    """The default tracks and calendar, a panel of four seats (half must vote, more than
    half of the approve/decline votes must approve)."""
    config_data["distinguished"] = {
        "review_channel": "C0PANEL",
        "panel": [
            {"user": PANEL[0], "constituency": "core-committers"},
            {"user": PANEL[1], "constituency": "core-committers"},
            {"user": PANEL[2], "constituency": "partners"},
            {"user": PANEL[3], "constituency": "community"},
        ],
    }
    return config_data


@pytest.fixture
def in_window(runtime: Runtime, clock: FixedClock) -> Runtime:
    """The runtime with its clock on 1 October 2026, inside the nomination window."""
    clock.set(IN_WINDOW)
    return runtime
