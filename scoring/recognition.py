"""Partners by year: a partner listed at any point in a year is recognised for that year.

What is known of a partner's listing: from when it became a partner (``since``, or
else its first evaluated month) it is listed until an evaluation says otherwise. The
evaluation of month M (made once M is over) sets the listing from month M+1 on. A
partner that is no longer a partner is followed up to the month after its last
evaluation; one that never was evaluated and is no longer a partner is not known to
have been listed at all.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scoring.months import Month, months_between


@dataclass(frozen=True)
class ListingStep:
    """An evaluated month and whether it left the partner listed."""

    month: Month
    listed: bool


def listed_months(
    steps: Iterable[ListingStep], since: Month | None, partner_now: bool, current: Month
) -> tuple[Month, ...]:
    """The months (up to ``current``) in which the partner was listed at some point."""
    ordered = sorted(steps, key=lambda s: s.month)
    if since is not None:
        start = since
    elif ordered:
        start = ordered[0].month
    elif partner_now:
        start = current
    else:
        return ()
    if partner_now:
        end = current
    elif ordered:
        end = min(ordered[-1].month.next(), current)
    else:
        return ()
    out: list[Month] = []
    index = 0
    listed = True  # until the first evaluation in effect says otherwise
    for month in months_between(start, end):
        while index < len(ordered) and ordered[index].month < month:
            listed = ordered[index].listed
            index += 1
        if listed:
            out.append(month)
    return tuple(out)


def years_listed(
    steps: Sequence[ListingStep], since: Month | None, partner_now: bool, current: Month
) -> tuple[int, ...]:
    """The years in which the partner was listed at some point, oldest first."""
    return tuple(sorted({m.year for m in listed_months(steps, since, partner_now, current)}))
