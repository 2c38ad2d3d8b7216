"""Configuration in one place: the environment (pydantic-settings) and creditbot.yml.

Both are read once at start-up and passed down; nothing reads them at import time.
Every name is importable from here (``bot.config.ProgrammeConfig``); the modules are
:mod:`~bot.config.settings` (the environment), :mod:`~bot.config.programme`
(``creditbot.yml`` as a whole, read and validated) and its sections:
:mod:`~bot.config.sections`, :mod:`~bot.config.thanks`, :mod:`~bot.config.distinguished`.
"""

from __future__ import annotations

from bot.config.base import _Strict
from bot.config.distinguished import DistinguishedConfig, DistinguishedTrackConfig, PanelSeatConfig
from bot.config.programme import ProgrammeConfig, load_config, parse_config
from bot.config.sections import (
    DEFAULT_TYPES,
    ContributionTypeConfig,
    DiscourseConfig,
    FinanceConfig,
    InactivityConfig,
    OrganisationConfig,
    OutboxConfig,
    PartnerRulesConfig,
    ShoutoutConfig,
    SlackConfig,
    TiersConfig,
    WebConfig,
)
from bot.config.settings import Settings
from bot.config.thanks import ThanksConfig, ThanksLanguageConfig

# _Strict too: a new section of creditbot.yml derives from it.
__all__ = [
    "DEFAULT_TYPES",
    "ContributionTypeConfig",
    "DiscourseConfig",
    "DistinguishedConfig",
    "DistinguishedTrackConfig",
    "FinanceConfig",
    "InactivityConfig",
    "OrganisationConfig",
    "OutboxConfig",
    "PanelSeatConfig",
    "PartnerRulesConfig",
    "ProgrammeConfig",
    "Settings",
    "ShoutoutConfig",
    "SlackConfig",
    "ThanksConfig",
    "ThanksLanguageConfig",
    "TiersConfig",
    "WebConfig",
    "_Strict",
    "load_config",
    "parse_config",
]
