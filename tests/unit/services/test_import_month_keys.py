"""The import's month of a credit, looked up by its UTC day where the whole day lies in
one month, is the month the programme's timezone gives it (``month_of``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.services.ledger.import_loops import MonthKeys
from scoring.months import month_of
from storage.bulk import sqlite_text

ZONES = ["UTC", "America/Los_Angeles", "Asia/Kolkata", "Pacific/Chatham", "Pacific/Kiritimati"]
START = datetime(2024, 1, 1, tzinfo=UTC)


def _month(keys: MonthKeys, moment: datetime) -> str:
    """As ``count_cells`` asks: the day's remembered month, else the full placement."""
    value = sqlite_text(moment)
    return keys.by_day.get(value[:10]) or keys(moment, value)


@pytest.mark.parametrize("zone", ZONES)
@settings(max_examples=60, deadline=None)
@given(seconds=st.lists(st.integers(0, 3 * 365 * 86400), min_size=1, max_size=300))
def test_the_month_by_day_is_the_month_in_the_programmes_timezone(
    zone: str, seconds: list[int]
) -> None:
    keys, tz = MonthKeys(ZoneInfo(zone)), ZoneInfo(zone)
    for second in seconds:
        moment = START + timedelta(seconds=second)
        assert _month(keys, moment) == str(month_of(moment, tz)), (zone, moment)


@pytest.mark.parametrize("zone", ZONES)
def test_every_hour_around_a_month_end_is_placed_in_its_month(zone: str) -> None:
    keys, tz = MonthKeys(ZoneInfo(zone)), ZoneInfo(zone)
    for hour in range(-72, 72):
        for month_start in (datetime(2026, 10, 1, tzinfo=UTC), datetime(2026, 3, 1, tzinfo=UTC)):
            moment = month_start + timedelta(hours=hour, minutes=59, seconds=59)
            assert _month(keys, moment) == str(month_of(moment, tz)), (zone, moment)
