"""Errors of the edges; each builds a message fit to show a user as is.

CreditbotError
├── ConfigError        creditbot.yml cannot be read or is invalid (file, key, expected)
├── MissingSetting     an environment variable a feature needs is not set
├── NotFound           a member, organisation or month the user named does not exist
├── NotAllowed         the user may not do this (not a team lead, ...)
├── InvalidInput       a value the user gave is wrong (import line, option, ...)
└── ExternalServiceError   Slack or Discourse failed or could not be reached
"""

from __future__ import annotations


class CreditbotError(Exception):
    """Base of the edge errors; ``str(error)`` is the message for the user."""


class ConfigError(CreditbotError):
    pass


class MissingSetting(CreditbotError):
    def __init__(self, variable: str, needed_for: str) -> None:
        super().__init__(f"{variable} is not set; it is needed for {needed_for}")
        self.variable = variable


class NotFound(CreditbotError):
    pass


class NotAllowed(CreditbotError):
    pass


class InvalidInput(CreditbotError):
    pass


class ExternalServiceError(CreditbotError):
    """Slack or Discourse failed. ``transient``: worth retrying (429, 5xx, network);
    ``retry_after``: the wait in seconds the service asked for, if any."""

    def __init__(
        self,
        service: str,
        detail: str,
        *,
        retry_after: float | None = None,
        transient: bool = True,
    ) -> None:
        super().__init__(f"{service}: {detail}")
        self.service = service
        self.detail = detail
        self.retry_after = retry_after
        self.transient = transient
