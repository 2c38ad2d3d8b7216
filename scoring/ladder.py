"""The warning ladder: one step up per evaluated month that falls short, reset by a good one.

====== ============================================ ================ ========
level  what happens                                 referrals paused listed
====== ============================================ ================ ========
0      in good standing                             no               yes
1      a private warning to the partner's contacts  no               yes
2      referrals paused, private message again      yes              yes
3      public removal from the partner list         yes              no
====== ============================================ ================ ========

Level 3 stays until a month in good standing resets to 0, which restores the listing
and referrals. Evaluating the month already evaluated last gives no new step;
evaluating a month before it is refused (:class:`~scoring.errors.LadderOutOfOrder`).
A month skipped between two evaluations simply is not counted.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from scoring.errors import LadderOutOfOrder
from scoring.months import Month

TOP_LEVEL = 3


@dataclass(frozen=True)
class LadderStep:
    """Where a partner stands after an evaluated month."""

    month: Month
    level: int
    good_standing: bool

    @property
    def referrals_paused(self) -> bool:
        return self.level >= 2

    @property
    def listed(self) -> bool:
        return self.level < TOP_LEVEL


class Move(StrEnum):
    """What changed, which decides the messages sent."""

    STAYED_GOOD = "stayed_good"  # level 0 before and after: nothing to say
    WARNED = "warned"  # 0 -> 1
    PAUSED = "paused"  # 1 -> 2
    REMOVED = "removed"  # 2 -> 3 (the only public message)
    STILL_REMOVED = "still_removed"  # 3 -> 3
    RESTORED = "restored"  # 1, 2 or 3 -> 0: welcome back


@dataclass(frozen=True)
class LadderChange:
    """The step a month produces. ``new`` is False when the month was already evaluated."""

    step: LadderStep
    previous: LadderStep | None
    move: Move
    new: bool = True


def next_step(
    previous: LadderStep | None, month: Month, good_standing: bool, slug: str = ""
) -> LadderChange:
    """The step after ``previous`` for ``month``'s result.

    The same month as ``previous`` returns it unchanged (``new=False``); an earlier
    month raises :class:`LadderOutOfOrder`.
    """
    if previous is not None:
        if month == previous.month:
            return LadderChange(previous, previous, _move(None, previous), new=False)
        if month < previous.month:
            raise LadderOutOfOrder(slug or "partner", str(month), str(previous.month))
    before = previous.level if previous is not None else 0
    level = 0 if good_standing else min(before + 1, TOP_LEVEL)
    step = LadderStep(month, level, good_standing)
    return LadderChange(step, previous, _move(previous, step))


def _move(previous: LadderStep | None, step: LadderStep) -> Move:
    before = previous.level if previous is not None else 0
    if step.level == 0:
        return Move.RESTORED if before > 0 else Move.STAYED_GOOD
    if step.level == TOP_LEVEL and before == TOP_LEVEL:
        return Move.STILL_REMOVED
    return {1: Move.WARNED, 2: Move.PAUSED, TOP_LEVEL: Move.REMOVED}[step.level]


def replay(before: LadderStep | None, months: list[tuple[Month, bool]]) -> list[LadderStep]:
    """The steps of ``months`` (each with whether it counts as good), oldest first,
    climbed again from ``before``: how a programme manager's waive restates later months."""
    steps: list[LadderStep] = []
    previous = before
    for month, good in months:
        level = 0 if good else min((previous.level if previous else 0) + 1, TOP_LEVEL)
        previous = LadderStep(month, level, good)
        steps.append(previous)
    return steps
