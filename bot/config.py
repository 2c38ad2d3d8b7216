"""Configuration in one place: the environment (pydantic-settings) and creditbot.yml.

Both are read once at start-up and passed down; nothing reads them at import time.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import date
from functools import cached_property
from pathlib import Path
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.errors import ConfigError, MissingSetting
from scoring.distinguished import ProgrammeRules as DistinguishedRules
from scoring.distinguished import Track as DistinguishedTrack
from scoring.models import ContributionType, Organisation, ScoringRules
from scoring.slack_text import phrase_tokens
from scoring.thanks import ThanksRules, language_rules, merge_terms
from scoring.thanks_languages import LANGUAGES, ROLES


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


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SlackConfig(_Strict):
    shoutout_channel: str | None = None
    review_channel: str | None = None
    announcements_channel: str | None = None
    team_leads: list[str] = Field(default_factory=list)
    program_managers: list[str] = Field(default_factory=list)
    nominate_emoji: str = "raised_hands"
    confirm_emoji: str = "white_check_mark"
    default_type: str = "support"
    max_points: int = Field(default=50, ge=1)
    profile_refresh_days: int = Field(default=7, ge=1)

    @field_validator("nominate_emoji", "confirm_emoji")
    @classmethod
    def _strip_colons(cls, value: str) -> str:
        return value.strip(":")


class DiscourseConfig(_Strict):
    shoutout_category_id: int | None = None
    support_category_ids: list[int] = Field(default_factory=list)
    ignored_users: list[str] = Field(default_factory=lambda: ["system", "discobot"])
    solution_type: str = "support"  # the contribution type of an accepted solution
    # Caps on credits no team lead decided (accepted solutions); one over is asked to leads.
    solutions_per_pair_per_month: int = Field(default=2, ge=1)
    solutions_per_member_per_day: int = Field(default=5, ge=1)


class ContributionTypeConfig(_Strict):
    points: int = Field(ge=1)
    badge: str | None = None


class OrganisationConfig(_Strict):
    slug: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$")
    name: str
    domains: list[str] = Field(default_factory=list)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    employees: int | None = Field(default=None, ge=1)
    partner: bool = False
    staff: bool = False
    contacts: list[str] = Field(default_factory=list)
    partner_since: date | None = None


class PartnerRulesConfig(_Strict):
    window_months: int = Field(default=3, ge=1)
    min_points_per_month: float = Field(default=10, ge=0)
    small_partner_employees: int = Field(default=25, ge=0)
    min_points_per_employee: float = Field(default=0.5, ge=0)
    financial_minimum_usd: float = Field(default=100, ge=0)
    conduct_window_months: int = Field(default=12, ge=0)
    bigmac_overrides: dict[str, float] = Field(default_factory=dict)


class InactivityConfig(_Strict):
    member_days: int = Field(default=60, ge=1)
    nudge_cooldown_days: int = Field(default=90, ge=0)
    org_decline_ratio: float = Field(default=0.5, gt=0, le=1)
    welcome_back_days: int = Field(default=14, ge=1)
    # Where a member reached on the forum opts out, or asks for an export or an erasure;
    # without it, the forum message asks them to reply to it.
    privacy_url: str | None = Field(default=None, pattern=r"^https?://\S+$", max_length=500)


class FinanceConfig(_Strict):
    rates: dict[str, float] = Field(default_factory=lambda: {"USD": 1.0})
    aliases: dict[str, str] = Field(default_factory=dict)

    @field_validator("rates")
    @classmethod
    def _positive_rates(cls, value: dict[str, float]) -> dict[str, float]:
        for currency, rate in value.items():
            if rate <= 0:
                raise ValueError(f"the rate of {currency} must be above 0, not {rate}")
        return {currency.upper(): rate for currency, rate in value.items()}


class TiersConfig(_Strict):
    window_months: int = Field(default=6, ge=1)
    # Points over the window that earn a badge: per badge, else the general figure. The
    # defaults ask for steady work over six months (engineering: 10 points a month, the
    # practical minimum; marketing: two events; services: five engagements; bizdev: three).
    min_points_per_badge: int = Field(default=20, ge=1)
    badge_minimums: dict[str, int] = Field(
        default_factory=lambda: {"engineering": 60, "marketing": 16, "services": 15, "bizdev": 12}
    )
    levels: dict[str, int] = Field(
        default_factory=lambda: {"Bronze": 1, "Silver": 2, "Gold": 3, "Platinum": 4}
    )


class ShoutoutConfig(_Strict):
    hour: int = Field(default=9, ge=0, le=23)
    top_members: int = Field(default=10, ge=1)
    top_organisations: int = Field(default=10, ge=1)
    exclude_staff: bool = True
    draft_hours_before: int = Field(default=1, ge=0, le=24)
    how_to_get_listed: str = (
        "Help someone in Slack or on the forum, review a pull request, give a talk or "
        "write a post: a team lead will credit it, and you will be on next month's list."
    )


class OutboxConfig(_Strict):
    max_attempts: int = Field(default=8, ge=1)
    poll_seconds: float = Field(default=5, gt=0)
    slack_interval_seconds: float = Field(default=1.0, ge=0)
    lease_seconds: float = Field(default=120, gt=0)


class WebConfig(_Strict):
    """The public pages (partner directory, reports) and referrals."""

    community_name: str = Field(default="Community", min_length=1, max_length=60)
    featured_partners: int = Field(default=3, ge=0, le=12)


class DistinguishedTrackConfig(_Strict):
    """One track of the Distinguished Contributor programme."""

    name: str = Field(min_length=1)
    nominee: Literal["member", "organisation"] = "member"
    types: list[str] = Field(default_factory=list)  # empty: every contribution type counts
    renewal_points: int = Field(default=30, ge=0)
    badge_type: int = Field(default=1, ge=1, le=3)  # Discourse: 1 gold, 2 silver, 3 bronze
    description: str | None = None


class PanelSeatConfig(_Strict):
    user: str = Field(min_length=1)
    constituency: str = Field(min_length=1)


def _default_tracks() -> dict[str, DistinguishedTrackConfig]:
    return {
        "engineer": DistinguishedTrackConfig(
            name="Distinguished Engineer",
            types=["code", "review", "support", "docs"],
            renewal_points=40,
        ),
        "advocate": DistinguishedTrackConfig(
            name="Distinguished Advocate", types=["event", "talk", "blog"], renewal_points=30
        ),
        "innovator": DistinguishedTrackConfig(
            name="Distinguished Innovator", types=["code", "docs", "blog"], renewal_points=30
        ),
        "partner": DistinguishedTrackConfig(
            name="Distinguished Partner", nominee="organisation", renewal_points=60
        ),
    }


def _month_day(value: str) -> tuple[int, int]:
    match = re.fullmatch(r"(\d{2})-(\d{2})", value.strip())
    if match is None:
        raise ValueError(f"'{value}' is not a date; expected MM-DD, e.g. 09-01")
    month, day = int(match.group(1)), int(match.group(2))
    try:
        date(2001, month, day)  # a year without 29 February: the date must exist every year
    except ValueError:
        raise ValueError(f"'{value}' is not a day of every year (MM-DD)") from None
    return month, day


class DistinguishedConfig(_Strict):
    """The Distinguished Contributor programme (nominations, panel, terms, badges)."""

    model_config = ConfigDict(extra="forbid", frozen=True, ignored_types=(cached_property,))

    review_channel: str | None = None
    announcements_channel: str | None = None  # default: slack.shoutout_channel
    discourse_category_id: int | None = None  # default: discourse.shoutout_category_id
    nominations_open: str = "09-01"
    nominations_close: str = "10-31"
    decision_date: str = "12-01"
    quorum: float = Field(default=0.5, gt=0, le=1)
    majority: float = Field(default=0.5, ge=0, lt=1)
    term_years: int = Field(default=2, ge=1)
    lifetime_after_years: int = Field(default=4, ge=1)
    reminder_months_before: int = Field(default=3, ge=0, le=11)
    panel: list[PanelSeatConfig] = Field(default_factory=list)
    tracks: dict[str, DistinguishedTrackConfig] = Field(default_factory=_default_tracks)

    @field_validator("nominations_open", "nominations_close", "decision_date")
    @classmethod
    def _a_day_of_the_year(cls, value: str) -> str:
        month, day = _month_day(value)
        return f"{month:02d}-{day:02d}"

    @field_validator("tracks")
    @classmethod
    def _track_keys(
        cls, value: dict[str, DistinguishedTrackConfig]
    ) -> dict[str, DistinguishedTrackConfig]:
        if not value:
            raise ValueError("at least one track is needed")
        for key in value:
            if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", key):
                raise ValueError(
                    f"track '{key}' must be one lower-case word (letters, digits, dashes)"
                )
        return value

    @model_validator(mode="after")
    def _calendar_and_panel(self) -> DistinguishedConfig:
        opens, closes = _month_day(self.nominations_open), _month_day(self.nominations_close)
        decides = _month_day(self.decision_date)
        if closes < opens:
            raise ValueError(
                f"nominations_close ({self.nominations_close}) is before nominations_open "
                f"({self.nominations_open}); both fall in the same calendar year"
            )
        if decides <= closes:
            raise ValueError(
                f"decision_date ({self.decision_date}) must come after nominations_close "
                f"({self.nominations_close}) in the same calendar year"
            )
        seen: set[str] = set()
        for seat in self.panel:
            if seat.user in seen:
                raise ValueError(f"panel: '{seat.user}' has more than one seat")
            seen.add(seat.user)
        return self

    @cached_property
    def rules(self) -> DistinguishedRules:
        """The programme's rules for :mod:`scoring.distinguished`."""
        return DistinguishedRules(
            opens=_month_day(self.nominations_open),
            closes=_month_day(self.nominations_close),
            decides=_month_day(self.decision_date),
            quorum=self.quorum,
            majority=self.majority,
            term_years=self.term_years,
            lifetime_after_years=self.lifetime_after_years,
            reminder_months_before=self.reminder_months_before,
            tracks=tuple(
                DistinguishedTrack(
                    key=key,
                    name=track.name,
                    nominee=track.nominee,
                    types=tuple(track.types),
                    renewal_points=track.renewal_points,
                )
                for key, track in self.tracks.items()
            ),
        )

    @property
    def panel_users(self) -> tuple[str, ...]:
        return tuple(seat.user for seat in self.panel)


DEFAULT_TYPES: dict[str, ContributionTypeConfig] = {
    "code": ContributionTypeConfig(points=5, badge="engineering"),
    "review": ContributionTypeConfig(points=3, badge="engineering"),
    "support": ContributionTypeConfig(points=2, badge="engineering"),
    "docs": ContributionTypeConfig(points=3, badge="engineering"),
    "event": ContributionTypeConfig(points=8, badge="marketing"),
    "talk": ContributionTypeConfig(points=5, badge="marketing"),
    "blog": ContributionTypeConfig(points=4, badge="marketing"),
    "consulting": ContributionTypeConfig(points=3, badge="services"),
    "bizdev": ContributionTypeConfig(points=4, badge="bizdev"),
}


class ThanksLanguageConfig(_Strict):
    """One language's words added to or removed from the built-in ones."""

    extra_phrases: list[str] = Field(default_factory=list)
    extra_resolution_phrases: list[str] = Field(default_factory=list)
    extra_anticipation_markers: list[str] = Field(default_factory=list)
    extra_failure_markers: list[str] = Field(default_factory=list)
    extra_sarcasm_markers: list[str] = Field(default_factory=list)
    extra_reply_markers: list[str] = Field(default_factory=list)
    extra_channel_markers: list[str] = Field(default_factory=list)
    disabled_phrases: list[str] = Field(default_factory=list)
    """Built-in words of this language (any role) to stop using."""

    def extra(self, role: str) -> list[str]:
        return list(getattr(self, f"extra_{role}"))


class ThanksConfig(_Strict):
    """Thank-you detection in Slack threads; the built-in words are in scoring/thanks_words.py
    (English) and scoring/thanks_languages.py (the others)."""

    enabled: bool = True
    languages: dict[str, ThanksLanguageConfig] = Field(default_factory=dict)
    disabled_languages: list[str] = Field(default_factory=list)
    extra_phrases: list[str] = Field(default_factory=list)
    extra_resolution_phrases: list[str] = Field(default_factory=list)
    extra_emoji: list[str] = Field(default_factory=list)
    disabled_phrases: list[str] = Field(default_factory=list)
    extra_question_markers: list[str] = Field(default_factory=list)
    extra_request_markers: list[str] = Field(default_factory=list)
    extra_sarcasm_markers: list[str] = Field(default_factory=list)
    extra_failure_markers: list[str] = Field(default_factory=list)
    extra_greeting_markers: list[str] = Field(default_factory=list)
    disabled_markers: list[str] = Field(default_factory=list)
    max_words: int = Field(default=120, ge=1)
    short_message_words: int = Field(default=5, ge=0)
    negation_window: int = Field(default=3, ge=0)

    @field_validator(
        "extra_phrases",
        "extra_resolution_phrases",
        "extra_emoji",
        "extra_question_markers",
        "extra_request_markers",
        "extra_sarcasm_markers",
        "extra_failure_markers",
        "extra_greeting_markers",
    )
    @classmethod
    def _has_words(cls, value: list[str]) -> list[str]:
        for phrase in value:
            if not phrase_tokens(phrase):
                raise ValueError(f"'{phrase}' has no words to look for")
        return value

    @field_validator("disabled_phrases")
    @classmethod
    def _known_phrases(cls, value: list[str]) -> list[str]:
        base = ThanksRules()
        return _known(
            value, (*base.phrases, *base.resolution_phrases, *base.short_phrases, *base.emoji)
        )

    @field_validator("disabled_markers")
    @classmethod
    def _known_markers(cls, value: list[str]) -> list[str]:
        base = ThanksRules()
        return _known(
            value,
            (
                *base.question_markers,
                *base.anticipation_markers,
                *base.request_markers,
                *base.sarcasm_markers,
                *base.reply_markers,
                *base.courtesy_markers,
                *base.failure_markers,
                *base.greeting_markers,
                *base.self_solved_markers,
                *base.cc_markers,
                *base.contribution_markers,
                *base.reported_markers,
                *base.channel_markers,
                *base.bot_markers,
            ),
        )

    @field_validator("disabled_languages")
    @classmethod
    def _known_languages(cls, value: list[str]) -> list[str]:
        for code in value:
            if code not in LANGUAGES:
                raise ValueError(f"'{code}' is not a built-in language ({', '.join(LANGUAGES)})")
        return value

    @field_validator("languages")
    @classmethod
    def _known_language_words(
        cls, value: dict[str, ThanksLanguageConfig]
    ) -> dict[str, ThanksLanguageConfig]:
        for code, section in value.items():
            built_in = tuple(w for role in ROLES for w in LANGUAGES.get(code, {}).get(role, ()))
            _known(section.disabled_phrases, built_in)
            for role in ROLES:
                cls._has_words(section.extra(role))
        return value

    def _language_terms(self, role: str) -> tuple[list[str], list[str]]:
        """Every language's extra words of ``role``, and every language's disabled words."""
        extra = [w for section in self.languages.values() for w in section.extra(role)]
        off = [w for section in self.languages.values() for w in section.disabled_phrases]
        return extra, off

    def to_rules(self) -> ThanksRules:
        base = language_rules(self.disabled_languages)
        rules = self._english_rules(base)

        def terms(role: str) -> tuple[str, ...]:
            extra, off = self._language_terms(role)
            return merge_terms(getattr(rules, role), extra, off)

        return replace(
            rules,
            phrases=terms("phrases"),
            resolution_phrases=terms("resolution_phrases"),
            anticipation_markers=terms("anticipation_markers"),
            failure_markers=terms("failure_markers"),
            sarcasm_markers=terms("sarcasm_markers"),
            reply_markers=terms("reply_markers"),
            channel_markers=terms("channel_markers"),
        )

    def _english_rules(self, base: ThanksRules) -> ThanksRules:
        off = self.disabled_markers

        def emoji(names: tuple[str, ...] | list[str]) -> tuple[str, ...]:
            return tuple(name.strip(":") for name in names)

        return ThanksRules(
            phrases=merge_terms(base.phrases, self.extra_phrases, self.disabled_phrases),
            resolution_phrases=merge_terms(
                base.resolution_phrases, self.extra_resolution_phrases, self.disabled_phrases
            ),
            short_phrases=merge_terms(base.short_phrases, (), self.disabled_phrases),
            emoji=merge_terms(
                emoji(base.emoji), emoji(self.extra_emoji), emoji(self.disabled_phrases)
            ),
            question_markers=merge_terms(base.question_markers, self.extra_question_markers, off),
            anticipation_markers=merge_terms(base.anticipation_markers, (), off),
            request_markers=merge_terms(base.request_markers, self.extra_request_markers, off),
            sarcasm_markers=merge_terms(base.sarcasm_markers, self.extra_sarcasm_markers, off),
            reply_markers=merge_terms(base.reply_markers, (), off),
            courtesy_markers=merge_terms(base.courtesy_markers, (), off),
            failure_markers=merge_terms(base.failure_markers, self.extra_failure_markers, off),
            greeting_markers=merge_terms(base.greeting_markers, self.extra_greeting_markers, off),
            self_solved_markers=merge_terms(base.self_solved_markers, (), off),
            cc_markers=merge_terms(base.cc_markers, (), off),
            contribution_markers=merge_terms(base.contribution_markers, (), off),
            reported_markers=merge_terms(base.reported_markers, (), off),
            channel_markers=merge_terms(base.channel_markers, (), off),
            bot_markers=merge_terms(base.bot_markers, (), off),
            max_words=self.max_words,
            short_message_words=self.short_message_words,
            negation_window=self.negation_window,
            enabled=self.enabled,
        )


def _known(value: list[str], built_in: tuple[str, ...]) -> list[str]:
    known = {phrase_tokens(term.strip(":")) for term in built_in}
    for term in value:
        if phrase_tokens(term.strip(":")) not in known:
            raise ValueError(f"'{term}' is not one of the built-in ones (scoring/thanks_words.py)")
    return value


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
