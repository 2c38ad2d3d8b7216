"""The small sections of ``creditbot.yml``: Slack, Discourse, contribution types (and
the default ones), organisations, partner rules, inactivity, finance, tiers, shout-outs,
the outbox and the public pages."""

from __future__ import annotations

from datetime import date

from pydantic import (
    Field,
    field_validator,
)

from bot.config.base import _Strict


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
