"""Errors of the pure domain.

    ScoringError
    ├── InvalidMonth          a month string that is not YYYY-MM
    ├── UnknownContributionType
    ├── InvalidPoints
    └── CommandError          a chat command that cannot be understood (see commands.py)

Each error builds its own message, fit to show a user as is.
"""

from __future__ import annotations


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
