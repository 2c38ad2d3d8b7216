from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from apscheduler.triggers.cron import CronTrigger

from bot.errors import InvalidInput
from bot.jobs.cadence import Daily, Monthly, due_periods

PARIS = ZoneInfo("Europe/Paris")
AUCKLAND = ZoneInfo("Pacific/Auckland")


def test_octobers_shoutout_is_due_on_the_first_of_november_at_the_configured_local_hour() -> None:
    due = Monthly(hour=9).due_at("2026-10", PARIS)
    assert due == datetime(2026, 11, 1, 9, 0, tzinfo=PARIS)
    assert due.astimezone(UTC) == datetime(2026, 11, 1, 8, 0, tzinfo=UTC)


def test_the_draft_an_hour_before_midnight_falls_on_the_last_day_of_the_month() -> None:
    draft = Monthly(hour=0, hours_before=1)
    assert draft.due_at("2026-02", UTC) == datetime(2026, 2, 28, 23, 0, tzinfo=UTC)
    assert draft.cron() == {"day": "last", "hour": 23, "minute": 0}
    assert Monthly(hour=9, hours_before=1).cron() == {"day": 1, "hour": 8, "minute": 0}


def test_the_latest_due_period_changes_exactly_at_the_due_moment() -> None:
    cadence = Monthly(hour=9)
    assert cadence.latest_due(datetime(2026, 11, 1, 7, 59, tzinfo=UTC), PARIS) == "2026-09"
    assert cadence.latest_due(datetime(2026, 11, 1, 8, 0, tzinfo=UTC), PARIS) == "2026-10"
    # New Year in Auckland is still 31 December in UTC.
    new_year = datetime(2026, 12, 31, 20, 0, tzinfo=UTC)  # 1 January 09:00 in Auckland
    assert cadence.latest_due(new_year, AUCKLAND) == "2026-12"


def test_a_bot_back_on_the_third_of_november_owes_october_only() -> None:
    back = datetime(2026, 11, 3, 10, 0, tzinfo=UTC)
    assert due_periods(Monthly(hour=9), "2026-09", back, UTC, limit=12) == ["2026-10"]
    assert due_periods(Monthly(hour=9), "2026-10", back, UTC, limit=12) == []


def test_months_missed_over_a_long_outage_are_all_owed_up_to_the_limit() -> None:
    back = datetime(2027, 2, 2, tzinfo=UTC)
    assert due_periods(Monthly(hour=9), "2026-10", back, UTC, limit=12) == [
        "2026-11",
        "2026-12",
        "2027-01",
    ]
    assert due_periods(Monthly(hour=9), "2026-10", back, UTC, limit=2) == ["2026-12", "2027-01"]


def test_a_new_installation_owes_only_a_period_that_fell_due_in_the_last_day() -> None:
    started_on_the_first = datetime(2026, 3, 1, 15, 0, tzinfo=UTC)
    assert due_periods(Monthly(hour=9), None, started_on_the_first, UTC, 12) == ["2026-02"]
    assert due_periods(Monthly(hour=9), None, datetime(2026, 3, 15, tzinfo=UTC), UTC, 12) == []


def test_a_daily_job_is_about_the_day_it_runs_on() -> None:
    daily = Daily(hour=10)
    assert daily.latest_due(datetime(2024, 2, 29, 9, 59, tzinfo=UTC), UTC) == "2024-02-28"
    assert daily.latest_due(datetime(2024, 2, 29, 10, 0, tzinfo=UTC), UTC) == "2024-02-29"
    assert daily.next("2024-02-28") == "2024-02-29"
    assert daily.current(datetime(2026, 12, 31, 23, 30, tzinfo=UTC), AUCKLAND) == "2027-01-01"


def test_by_hand_a_monthly_job_is_about_the_month_just_ended() -> None:
    assert Monthly(hour=9).current(datetime(2027, 1, 1, 0, 5, tzinfo=UTC), UTC) == "2026-12"
    assert (
        Monthly(hour=0, hours_before=1).current(datetime(2026, 10, 31, 23, 30, tzinfo=UTC), UTC)
        == "2026-10"
    )


def test_periods_typed_by_a_user_are_checked() -> None:
    assert Monthly().parse("2026-10") == "2026-10"
    with pytest.raises(InvalidInput, match="expected YYYY-MM"):
        Monthly().parse("October")
    with pytest.raises(InvalidInput, match="expected YYYY-MM-DD"):
        Daily().parse("2026-10")


def test_apscheduler_fires_when_the_cadence_says_the_period_is_due() -> None:
    cadence = Monthly(hour=9, hours_before=1)
    trigger = CronTrigger(timezone=PARIS, **cadence.cron())
    fire = trigger.get_next_fire_time(None, datetime(2026, 10, 15, tzinfo=PARIS))
    assert fire == cadence.due_at("2026-10", PARIS)
