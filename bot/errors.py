"""The bot's errors, all of them; each builds a message fit to show a user as is.

CreditbotError
├── ConfigError          creditbot.yml cannot be read or is invalid (file, key, expected)
├── MissingSetting       an environment variable a feature needs is not set
├── SchemaOutOfDate      the database is behind the code: run `creditbot db upgrade`
├── NotFound             a member, organisation or month the user named does not exist
├── NotAllowed           the user may not do this (not a team lead, ...)
├── InvalidInput         a value the user gave is wrong (import line, option, ...)
├── PartnerCountryError  a partner's country has no Big Mac figure (names the partner)
├── ClaimLost            another process took over a job's run; nothing of it was kept
└── ExternalServiceError Slack or Discourse failed or could not be reached

The other trees: the pure domain's in ``scoring/errors.py`` (ScoringError), the
database's in ``storage/errors.py`` (StorageError). Internal signals that never reach a
user stay private to their module (``bot.outbox``, ``bot.discourse.gateway``).
"""

from __future__ import annotations

from scoring.errors import MissingBigMacFigure


class CreditbotError(Exception):
    """Base of the edge errors; ``str(error)`` is the message for the user."""


class ConfigError(CreditbotError):
    pass


class MissingSetting(CreditbotError):
    def __init__(self, variable: str, needed_for: str) -> None:
        super().__init__(f"{variable} is not set; it is needed for {needed_for}")
        self.variable = variable


class SchemaOutOfDate(CreditbotError):
    def __init__(self, current: str | None, head: str | None) -> None:
        state = "has no schema yet" if current is None else f"is at revision {current}"
        super().__init__(
            f"the database {state}, the code needs {head}; run `creditbot db upgrade` first"
        )


class NotFound(CreditbotError):
    pass


class NotAllowed(CreditbotError):
    pass


class InvalidInput(CreditbotError):
    pass


class PartnerCountryError(CreditbotError):
    """A partner's country has no Big Mac figure: names the partner and the override."""

    def __init__(self, slug: str, error: MissingBigMacFigure) -> None:
        super().__init__(f"organisation '{slug}': {error}")
        self.slug = slug


class ClaimLost(CreditbotError):
    def __init__(self, job: str, period: str) -> None:
        super().__init__(
            f"the run of {job} for {period} was taken over by another process; "
            "nothing of this run was kept"
        )


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
