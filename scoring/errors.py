"""Errors of the pure domain.

    ScoringError
    ├── InvalidMonth          a month string that is not YYYY-MM
    ├── UnknownContributionType
    ├── InvalidPoints
    ├── OutOfRange            a date, number or amount outside the sane range (bounds.py)
    ├── CommandError          a chat command that cannot be understood (see commands.py)
    ├── MissingBigMacFigure   a partner's country is not in the pinned Big Mac table
    ├── LadderOutOfOrder      a month evaluated before one already evaluated
    └── NoPartnerForLead      no partner can take a lead (says why for each one)

Each error builds its own message, fit to show a user as is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol


class ScoringError(Exception):
    """Base of every domain error; ``str(error)`` is the user-facing message."""


class InvalidMonth(ScoringError):
    def __init__(self, text: str) -> None:
        super().__init__(f"'{text}' is not a month; write it as YYYY-MM, for example 2026-10")
        self.text = text


class UnknownContributionType(ScoringError):
    def __init__(self, name: str, known: tuple[str, ...]) -> None:
        super().__init__(
            f"unknown contribution type '{name}'; known types: {', '.join(sorted(known))}"
        )
        self.name = name
        self.known = known


class InvalidPoints(ScoringError):
    def __init__(self, text: str, maximum: int) -> None:
        super().__init__(f"points must be a whole number from 1 to {maximum}, not '{text}'")
        self.text = text
        self.maximum = maximum


class OutOfRange(ScoringError):
    def __init__(self, what: str, value: str, expected: str) -> None:
        super().__init__(f"{what} '{value}' is out of range; expected {expected}")
        self.what = what
        self.value = value
        self.expected = expected


class CommandError(ScoringError):
    """A chat command that cannot be understood or is not allowed; ``problem`` says what
    was wrong, ``usage`` how to write it (empty when showing it would not help)."""

    def __init__(self, problem: str, usage: str = "") -> None:
        super().__init__(f"{problem}\n\n{usage}" if usage else problem)
        self.problem = problem
        self.usage = usage


class MissingBigMacFigure(ScoringError):
    def __init__(self, country: str, release: str) -> None:
        super().__init__(
            f"country '{country}' is not in the Big Mac table ({release}); set its "
            f"local/US price ratio in creditbot.yml under partner_rules.bigmac_overrides, "
            f"for example `bigmac_overrides: {{{country}: 0.8}}`"
        )
        self.country = country


class LadderOutOfOrder(ScoringError):
    def __init__(self, slug: str, month: str, last: str) -> None:
        super().__init__(
            f"{slug}: {month} comes before {last}, which is already evaluated; months are "
            f"evaluated in order, so {month} can no longer be evaluated (evaluate a month "
            f"after {last}, or see `creditbot standing --month {month}` for a preview)"
        )
        self.slug = slug
        self.month = month
        self.last = last


class _Named(Protocol):
    @property
    def name(self) -> str: ...


class _Wanted(Protocol):
    @property
    def category(self) -> str: ...

    @property
    def region(self) -> str: ...


class NoPartnerForLead(ScoringError):
    """No partner can take the lead; the message says why for each one."""

    def __init__(self, request: _Wanted, skipped: Iterable[tuple[_Named, str]]) -> None:
        reasons = "; ".join(f"{c.name} ({why})" for c, why in skipped)
        super().__init__(
            f"no partner can take a lead for {request.category} in {request.region}"
            + (f": {reasons}" if reasons else ": there are no partners")
        )
        self.request = request
