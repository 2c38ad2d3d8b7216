"""The ``distinguished:`` section of ``creditbot.yml``: the Distinguished Contributor
programme's tracks, panel, calendar and rules."""

from __future__ import annotations

import re
from datetime import date
from functools import cached_property
from typing import Literal

from pydantic import (
    ConfigDict,
    Field,
    field_validator,
    model_validator,
)

from bot.config.base import _Strict
from scoring.distinguished import ProgrammeRules as DistinguishedRules
from scoring.distinguished import Track as DistinguishedTrack


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
