from datetime import date, datetime
from decimal import Decimal

import pytest

from scoring.bounds import (
    check_date,
    check_moment,
    check_month,
    fits_database_integer,
    parse_amount,
    parse_points,
    record_id,
)
from scoring.errors import OutOfRange
from scoring.months import Month

TODAY = date(2026, 12, 7)


def test_dates_from_2000_to_tomorrow_are_accepted() -> None:
    assert check_date(date(2000, 1, 1), TODAY) == date(2000, 1, 1)
    assert check_date(date(2026, 12, 8), TODAY) == date(2026, 12, 8)


@pytest.mark.parametrize("day", [date(1, 1, 1), date(1999, 12, 31), date(2026, 12, 9)])
def test_dates_outside_the_range_are_refused_with_the_range_in_the_message(day: date) -> None:
    with pytest.raises(OutOfRange, match="from 2000-01-01 to 2026-12-08"):
        check_date(day, TODAY)


def test_a_moment_in_year_9999_is_refused() -> None:
    with pytest.raises(OutOfRange):
        check_moment(datetime(9999, 12, 31, 20, 0), TODAY)


def test_months_from_january_2000_to_the_month_of_tomorrow() -> None:
    assert check_month(Month(2000, 1), TODAY) == Month(2000, 1)
    with pytest.raises(OutOfRange):
        check_month(Month(1, 1), TODAY)
    with pytest.raises(OutOfRange):
        check_month(Month(2027, 1), TODAY)


def test_points_of_five_thousand_digits_are_refused_without_building_the_number() -> None:
    with pytest.raises(OutOfRange) as refused:
        parse_points("9" * 5000, 50)
    assert len(str(refused.value)) < 200


@pytest.mark.parametrize("text", ["0", "-1", "51", "2.5", "²", "1e3", ""])
def test_points_that_are_not_a_whole_number_in_range_are_refused(text: str) -> None:
    with pytest.raises(OutOfRange):
        parse_points(text, 50)


def test_points_in_range_are_parsed() -> None:
    assert parse_points(" 7 ", 50) == 7


@pytest.mark.parametrize(
    "text", ["1e30", "1e999999", "NaN", "Infinity", "-5", "0", "abc", "0.001", "0.005"]
)
def test_amounts_that_are_not_sane_are_refused(text: str) -> None:
    with pytest.raises(OutOfRange):
        parse_amount(text)


def test_a_sane_amount_is_parsed_exactly() -> None:
    assert parse_amount("99.50") == Decimal("99.50")


@pytest.mark.parametrize("text", ["1" * 19, "9" * 5000, "²", "٣", "-1", "0", "1.0", "", "abc"])
def test_a_typed_id_no_database_integer_holds_is_no_record_id(text: str) -> None:
    assert record_id(text) is None


def test_a_typed_id_of_eighteen_digits_is_a_record_id() -> None:
    assert record_id(" 42 ") == 42
    assert record_id("9" * 18) == 10**18 - 1


def test_a_forum_id_fits_a_database_integer_up_to_two_to_the_sixty_three_minus_one() -> None:
    assert fits_database_integer(2**63 - 1, positive=True)
    assert not fits_database_integer(2**63, positive=True)
    assert not fits_database_integer(0, positive=True)
    assert fits_database_integer(-1)  # the forum's system user
    assert not fits_database_integer(-(2**63) - 1)
