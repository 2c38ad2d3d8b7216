"""The warning ladder: up one step per month short, back to 0 after a good month."""

from __future__ import annotations

import pytest

from scoring.errors import LadderOutOfOrder
from scoring.ladder import LadderStep, Move, next_step, replay
from scoring.months import Month

AUG, SEP, OCT, NOV, DEC = (Month(2026, m) for m in (8, 9, 10, 11, 12))


def climb(*results: bool) -> list[LadderStep]:
    steps: list[LadderStep] = []
    previous: LadderStep | None = None
    for offset, good in enumerate(results):
        change = next_step(previous, AUG.shift(offset), good)
        previous = change.step
        steps.append(change.step)
    return steps


def test_a_partner_in_good_standing_stays_at_level_zero_with_nothing_to_say() -> None:
    change = next_step(None, OCT, True)
    assert change.step.level == 0
    assert change.move == Move.STAYED_GOOD
    assert change.step.listed and not change.step.referrals_paused


def test_a_first_month_short_is_a_private_warning_at_level_one() -> None:
    change = next_step(None, OCT, False)
    assert change.step.level == 1
    assert change.move == Move.WARNED
    assert change.step.listed and not change.step.referrals_paused


def test_a_second_month_short_pauses_referrals() -> None:
    step = climb(False, False)[-1]
    assert step.level == 2
    assert step.referrals_paused and step.listed


def test_a_third_month_short_removes_the_partner_from_the_list() -> None:
    first = next_step(None, AUG, False).step
    second = next_step(first, SEP, False).step
    change = next_step(second, OCT, False)
    assert change.step.level == 3
    assert change.move == Move.REMOVED
    assert not change.step.listed and change.step.referrals_paused


def test_level_three_stays_while_months_keep_falling_short() -> None:
    steps = climb(False, False, False, False, False)
    assert [s.level for s in steps] == [1, 2, 3, 3, 3]
    change = next_step(steps[-1], Month(2027, 1), False)
    assert change.move == Move.STILL_REMOVED


@pytest.mark.parametrize("months_short", [1, 2, 3])
def test_a_month_in_good_standing_resets_to_zero_from_any_level(months_short: int) -> None:
    steps = climb(*([False] * months_short))
    change = next_step(steps[-1], AUG.shift(months_short), True)
    assert change.step.level == 0
    assert change.move == Move.RESTORED
    assert change.step.listed and not change.step.referrals_paused


def test_after_a_reset_the_next_month_short_starts_again_at_level_one() -> None:
    assert [s.level for s in climb(False, False, True, False)] == [1, 2, 0, 1]


def test_the_same_month_twice_gives_no_new_step() -> None:
    first = next_step(None, OCT, False).step
    again = next_step(first, OCT, True)
    assert not again.new
    assert again.step == first


def test_a_month_before_the_last_evaluated_one_is_refused_clearly() -> None:
    last = next_step(None, OCT, True).step
    with pytest.raises(LadderOutOfOrder) as error:
        next_step(last, SEP, False, slug="acme")
    message = str(error.value)
    assert "acme" in message and "2026-09" in message and "2026-10" in message
    assert "in order" in message


def test_a_skipped_month_is_not_counted_as_short() -> None:
    first = next_step(None, SEP, False).step
    change = next_step(first, NOV, False)
    assert change.step.level == 2
    assert change.step.month == NOV
    assert next_step(change.step, DEC, True).move == Move.RESTORED


def test_a_waived_month_in_the_middle_resets_and_later_months_climb_again_from_zero() -> None:
    sep, oct_, nov = Month(2026, 9), Month(2026, 10), Month(2026, 11)
    before = LadderStep(Month(2026, 8), 1, False)
    steps = replay(before, [(sep, True), (oct_, False), (nov, False)])
    assert [(s.level, s.listed) for s in steps] == [(0, True), (1, True), (2, True)]
