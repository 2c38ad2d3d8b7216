"""The environment (pydantic-settings, and an optional ``.env`` file): the database,
the configuration file's path, Slack's and Discourse's credentials and endpoints."""

from __future__ import annotations

from pydantic import (
    Field,
    SecretStr,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import MissingSetting


class Settings(BaseSettings):
    """The environment (and an optional ``.env`` file)."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore")

    database_url: str = "sqlite:///./creditbot.db"
    creditbot_config: str = "./creditbot.yml"
    slack_bot_token: SecretStr | None = None
    slack_signing_secret: SecretStr | None = None
    slack_app_token: SecretStr | None = None
    slack_api_url: str = "https://slack.com/api/"
    discourse_url: str | None = None
    discourse_api_key: SecretStr | None = None
    discourse_api_username: str | None = None
    discourse_webhook_secret: SecretStr | None = None
    # Discourse allows 60 admin API requests a minute by default; stay under it.
    discourse_api_requests_per_minute: float = Field(default=50, gt=0)
    # Bodies over this size are refused (413) on the Slack and Discourse routes.
    http_max_body_bytes: int = Field(default=1_000_000, ge=1)

    def secret(self, variable: str, needed_for: str) -> str:
        """The value of a secret setting, or a clear :class:`MissingSetting`."""
        value = getattr(self, variable.lower())
        if value is None or not value.get_secret_value():
            raise MissingSetting(variable, needed_for)
        return str(value.get_secret_value())

    def value(self, variable: str, needed_for: str) -> str:
        value = getattr(self, variable.lower())
        if not value:
            raise MissingSetting(variable, needed_for)
        return str(value)
