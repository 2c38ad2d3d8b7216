"""``creditbot.yml`` as a whole: :class:`ProgrammeConfig` (its sections, and what the
programme derives from them), read and validated with errors that name the file, the
key and what was expected (:func:`load_config`, :func:`parse_config`)."""

from __future__ import annotations

from functools import cached_property
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    ConfigDict,
    Field,
    ValidationError,
    field_validator,
)

from bot.config.base import _Strict
from bot.config.distinguished import DistinguishedConfig
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
from bot.config.thanks import ThanksConfig
from bot.errors import ConfigError
from scoring.models import ContributionType, Organisation, ScoringRules
from scoring.thanks import ThanksRules


class ProgrammeConfig(_Strict):
    """The programme configuration, ``creditbot.yml``."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    timezone: str = "UTC"
    slack: SlackConfig = Field(default_factory=SlackConfig)
    discourse: DiscourseConfig = Field(default_factory=DiscourseConfig)
    contribution_types: dict[str, ContributionTypeConfig] = Field(
        default_factory=lambda: dict(DEFAULT_TYPES)
    )
    organisations: list[OrganisationConfig] = Field(default_factory=list)
    partner_rules: PartnerRulesConfig = Field(default_factory=PartnerRulesConfig)
    inactivity: InactivityConfig = Field(default_factory=InactivityConfig)
    finance: FinanceConfig = Field(default_factory=FinanceConfig)
    tiers: TiersConfig = Field(default_factory=TiersConfig)
    shoutout: ShoutoutConfig = Field(default_factory=ShoutoutConfig)
    thanks: ThanksConfig = Field(default_factory=ThanksConfig)
    outbox: OutboxConfig = Field(default_factory=OutboxConfig)
    web: WebConfig = Field(default_factory=WebConfig)
    distinguished: DistinguishedConfig = Field(default_factory=DistinguishedConfig)

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f"unknown timezone '{value}' (use an IANA name such as Europe/Paris)"
            ) from None
        return value

    @field_validator("contribution_types")
    @classmethod
    def _some_types(
        cls, value: dict[str, ContributionTypeConfig]
    ) -> dict[str, ContributionTypeConfig]:
        if not value:
            raise ValueError("at least one contribution type is needed")
        return value

    @cached_property
    def tz(self) -> ZoneInfo:
        return ZoneInfo(self.timezone)

    @cached_property
    def rules(self) -> ScoringRules:
        return ScoringRules(
            types=tuple(
                ContributionType(name, t.points, t.badge)
                for name, t in self.contribution_types.items()
            ),
            max_points=self.slack.max_points,
            exclude_staff_from_rankings=self.shoutout.exclude_staff,
        )

    @cached_property
    def thanks_rules(self) -> ThanksRules:
        """The rules of thank-you detection, built once from the ``thanks:`` section."""
        return self.thanks.to_rules()

    def domain_organisations(self) -> list[Organisation]:
        return [
            Organisation(
                slug=o.slug,
                name=o.name,
                domains=tuple(d.lower() for d in o.domains),
                country=o.country,
                employees=o.employees,
                partner=o.partner,
                staff=o.staff,
                contacts=tuple(o.contacts),
            )
            for o in self.organisations
        ]

    def is_team_lead(self, slack_user: str) -> bool:
        return slack_user in self.slack.team_leads

    def is_program_manager(self, slack_user: str) -> bool:
        return slack_user in self.slack.program_managers

    def is_panel_member(self, slack_user: str) -> bool:
        """Whether the Slack user holds a seat on the Distinguished Contributor panel."""
        return slack_user in self.distinguished.panel_users


def _format_location(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        if isinstance(item, int):
            parts.append(f"[{item}]")
        else:
            parts.append(("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def parse_config(data: Any, source: str) -> ProgrammeConfig:
    """Validate already-parsed YAML; errors name the source, the key and what was expected."""
    if data is None:
        data = {}
    if not isinstance(data, dict):
        raise ConfigError(f"{source}: expected a mapping of keys at the top level")
    try:
        config = ProgrammeConfig.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        where = _format_location(tuple(first["loc"]))
        message = first["msg"]
        if first["type"] == "extra_forbidden":
            message = "unknown key (check its spelling against creditbot.example.yml)"
        elif first["type"] == "value_error":
            message = message.removeprefix("Value error, ")
        elif "input" in first and not isinstance(first["input"], dict | list):
            message = f"{message}, got {first['input']!r}"
        more = len(error.errors()) - 1
        suffix = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        raise ConfigError(f"{source}: {where}: {message}{suffix}") from None
    _check_references(config, source)
    return config


def _check_references(config: ProgrammeConfig, source: str) -> None:
    types = config.contribution_types
    if config.slack.default_type not in types:
        raise ConfigError(
            f"{source}: slack.default_type: '{config.slack.default_type}' is not one of "
            f"contribution_types ({', '.join(types)})"
        )
    forum = config.discourse
    if (forum.support_category_ids or "solution_type" in forum.model_fields_set) and (
        forum.solution_type not in types
    ):
        raise ConfigError(
            f"{source}: discourse.solution_type: '{forum.solution_type}' is not one of "
            f"contribution_types ({', '.join(types)}); accepted solutions are credited with it"
        )
    seen: set[str] = set()
    for index, org in enumerate(config.organisations):
        if org.slug in seen:
            raise ConfigError(f"{source}: organisations[{index}].slug: '{org.slug}' appears twice")
        seen.add(org.slug)
    # The default tracks name the default types; a programme with types of its own and
    # no tracks of its own is not refused for them (their unknown types never match).
    explicit = "tracks" in config.distinguished.model_fields_set
    for key, track in config.distinguished.tracks.items() if explicit else ():
        unknown = [name for name in track.types if name not in types]
        if unknown:
            raise ConfigError(
                f"{source}: distinguished.tracks.{key}.types: '{unknown[0]}' is not one of "
                f"contribution_types ({', '.join(types)})"
            )


def load_config(path: str | Path, *, named_by: str | None = None) -> ProgrammeConfig:
    """Read and validate ``creditbot.yml``; a missing file gives the defaults, unless
    ``named_by`` (the variable that named it) says it was asked for: then it is refused."""
    path = Path(path)
    if not path.exists():
        if named_by is not None:
            raise ConfigError(f"{path}: no such file ({named_by})")
        return parse_config({}, str(path))
    try:
        # libyaml's parser when present: a community of 500 organisations parses in
        # milliseconds instead of most of a second
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=loader)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "?"
        raise ConfigError(f"{path}: {where}: not valid YAML") from None
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot be read ({error.__class__.__name__})") from None
    except RecursionError:  # the YAML parser recurses once per level of nesting
        raise ConfigError(f"{path}: nested too deeply to be a configuration") from None
    return parse_config(data, str(path))
