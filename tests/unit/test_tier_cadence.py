"""The tier review's half-yearly cadence: 1 January and 1 July."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.errors import InvalidInput
from bot.jobs.cadence import HalfYearly

UTC_ZONE = ZoneInfo("UTC")


def test_the_latest_review_due_is_july_until_the_first_of_january() -> None:
    cadence = HalfYearly()
    assert cadence.latest_due(datetime(2026, 12, 31, 23, tzinfo=UTC), UTC_ZONE) == "2026-07"
    assert cadence.latest_due(datetime(2027, 1, 1, 9, tzinfo=UTC), UTC_ZONE) == "2026-07"
    assert cadence.latest_due(datetime(2027, 1, 1, 10, tzinfo=UTC), UTC_ZONE) == "2027-01"


def test_reviews_follow_each_other_six_months_apart() -> None:
    cadence = HalfYearly()
    assert cadence.next("2026-07") == "2027-01"
    assert cadence.previous("2026-07") == "2026-01"


@pytest.mark.parametrize("text", ["2026-03", "2026-13", "July"])
def test_only_january_and_july_are_review_periods(text: str) -> None:
    with pytest.raises(InvalidInput):
        HalfYearly().parse(text)
