from __future__ import annotations

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from scoring.errors import InvalidMonth
from scoring.months import Month, month_of, months_between


def test_december_is_followed_by_january_of_the_next_year() -> None:
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)
    assert Month(2026, 12).last_day() == date(2026, 12, 31)


def test_february_of_a_leap_year_ends_on_the_29th() -> None:
    assert Month(2028, 2).last_day() == date(2028, 2, 29)
    assert Month(2027, 2).last_day() == date(2027, 2, 28)


def test_shift_crosses_years_both_ways() -> None:
    assert Month(2026, 11).shift(3) == Month(2027, 2)
    assert Month(2026, 2).shift(-14) == Month(2024, 12)


def test_new_years_eve_late_evening_belongs_to_december_in_utc() -> None:
    moment = datetime(2026, 12, 31, 23, 59, 59, tzinfo=UTC)
    assert month_of(moment, ZoneInfo("UTC")) == Month(2026, 12)


def test_new_years_eve_in_utc_is_already_january_in_kiritimati() -> None:
    # UTC+14: 31 Dec 10:00 UTC is 1 Jan 00:00 on Kiritimati.
    moment = datetime(2026, 12, 31, 10, 0, tzinfo=UTC)
    assert month_of(moment, ZoneInfo("Pacific/Kiritimati")) == Month(2027, 1)
    assert month_of(moment, ZoneInfo("UTC")) == Month(2026, 12)


def test_month_bounds_in_a_zone_behind_utc_start_the_next_utc_day() -> None:
    start, end = Month(2027, 1).bounds(ZoneInfo("Pacific/Pago_Pago"))  # UTC-11
    assert start == datetime(2027, 1, 1, 11, 0, tzinfo=UTC)
    assert end == datetime(2027, 2, 1, 11, 0, tzinfo=UTC)


def test_months_between_is_inclusive_and_empty_when_reversed() -> None:
    assert months_between(Month(2026, 11), Month(2027, 2)) == [
        Month(2026, 11),
        Month(2026, 12),
        Month(2027, 1),
        Month(2027, 2),
    ]
    assert months_between(Month(2027, 1), Month(2026, 12)) == []


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "26-10", "October", "2026/10", ""])
def test_a_month_that_is_not_yyyy_mm_is_refused_with_the_expected_form(text: str) -> None:
    with pytest.raises(InvalidMonth, match="YYYY-MM"):
        Month.parse(text)


def test_month_prints_and_parses_back() -> None:
    assert str(Month.parse("2026-03")) == "2026-03"
    assert Month(2026, 3).label() == "March 2026"
