"""Partner profiles: what a partner says about itself in the public directory.

A programme manager reviews the file a partner sends and stores it with
``creditbot partner profile set <slug> --file profile.yml``; it goes into
``organisation.profile``. A mistake is one line naming the file, the key and what was
expected, e.g. ``profile.yml: description: at most 600 characters, got 742``.
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from bot.errors import InvalidInput, NotFound
from bot.messages.words import plural
from storage.uow import UnitOfWork

DESCRIPTION_MAX_CHARS = 600
TERM_MAX_CHARS = 40
MAX_TERMS = 12
MAX_LINKS = 5


def _url(value: str, *, https_only: bool = False) -> str:
    value = value.strip()
    parts = urlsplit(value)
    schemes = ("https",) if https_only else ("https", "http")
    if parts.scheme not in schemes or not parts.netloc or " " in value:
        wanted = "an https:// address" if https_only else "an http:// or https:// address"
        raise ValueError(f"expected {wanted}, got {value!r}")
    return value


def _terms(value: list[str], what: str) -> list[str]:
    cleaned: list[str] = []
    seen: set[str] = set()
    for term in value:
        text = " ".join(str(term).split())
        if not text:
            raise ValueError(f"a {what} cannot be empty")
        if len(text) > TERM_MAX_CHARS:
            raise ValueError(f"'{text[:20]}...' is longer than {TERM_MAX_CHARS} characters")
        if text.casefold() not in seen:
            seen.add(text.casefold())
            cleaned.append(text)
    return cleaned


class ProfileLink(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    title: str = Field(min_length=1, max_length=60)
    url: str

    @field_validator("url")
    @classmethod
    def _check_url(cls, value: str) -> str:
        return _url(value)


class PartnerProfile(BaseModel):
    """The reviewed profile of a partner."""

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    services: list[str] = Field(min_length=1, max_length=MAX_TERMS)
    regions: list[str] = Field(min_length=1, max_length=MAX_TERMS)
    languages: list[str] = Field(default_factory=list, max_length=MAX_TERMS)
    description: str = Field(default="", max_length=DESCRIPTION_MAX_CHARS)
    website: str | None = None
    logo_url: str | None = None
    links: list[ProfileLink] = Field(default_factory=list, max_length=MAX_LINKS)

    @field_validator("services")
    @classmethod
    def _services(cls, value: list[str]) -> list[str]:
        return _terms(value, "service")

    @field_validator("regions")
    @classmethod
    def _regions(cls, value: list[str]) -> list[str]:
        return _terms(value, "region")

    @field_validator("languages")
    @classmethod
    def _languages(cls, value: list[str]) -> list[str]:
        return _terms(value, "language")

    @field_validator("website")
    @classmethod
    def _website(cls, value: str | None) -> str | None:
        return None if not value else _url(value)

    @field_validator("logo_url")
    @classmethod
    def _logo(cls, value: str | None) -> str | None:
        return None if not value else _url(value, https_only=True)


def _where(loc: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for item in loc:
        parts.append(f"[{item}]" if isinstance(item, int) else ("." if parts else "") + str(item))
    return "".join(parts) or "(top level)"


def parse_profile(data: Any, source: str) -> PartnerProfile:
    """Validate profile data; :class:`InvalidInput` in one line (file, key, what was wrong)."""
    if not isinstance(data, dict):
        raise InvalidInput(f"{source}: expected a mapping of keys (services, regions, ...)")
    try:
        return PartnerProfile.model_validate(data)
    except ValidationError as error:
        first = error.errors()[0]
        kind = first["type"]
        message = first["msg"]
        if kind == "extra_forbidden":
            known = ", ".join(PartnerProfile.model_fields)
            message = f"unknown key (known keys: {known})"
        elif kind == "missing":
            message = "is required"
        elif kind == "string_too_long":
            limit = first.get("ctx", {}).get("max_length")
            message = f"at most {limit} characters, got {len(str(first['input']))}"
        elif kind == "too_long":
            limit = first.get("ctx", {}).get("max_length")
            message = f"at most {limit} entries, got {len(first['input'])}"
        elif kind == "too_short":
            message = "give at least one"
        elif kind == "value_error":
            message = message.removeprefix("Value error, ")
        more = len(error.errors()) - 1
        suffix = f" (and {plural(more, 'more problem')})" if more else ""
        raise InvalidInput(f"{source}: {_where(tuple(first['loc']))}: {message}{suffix}") from None


def read_profile_file(path: Path) -> PartnerProfile:
    """Read and validate a profile file (YAML or JSON)."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise InvalidInput(f"{path}: cannot be read ({error.strerror or error})") from None
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        where = f" (line {mark.line + 1})" if mark is not None else ""
        raise InvalidInput(f"{path}: not valid YAML{where}") from None
    return parse_profile(data, str(path))


def set_profile(
    uow: UnitOfWork, slug: str, profile: PartnerProfile, reviewed_by: str | None, now: datetime
) -> None:
    """Store a reviewed profile for ``slug`` (the caller commits)."""
    if uow.organisations.get(slug) is None:
        known = ", ".join(sorted(uow.organisations.names())) or "none"
        raise NotFound(f"unknown organisation '{slug}' (known: {known})")
    data = profile.model_dump(mode="json")
    data["reviewed_by"] = reviewed_by
    data["reviewed_at"] = now.isoformat()
    uow.organisations.set_profile(slug, data)


def stored_profile(uow: UnitOfWork, slug: str) -> PartnerProfile | None:
    """The profile stored for ``slug`` (None when it has none, or it no longer validates)."""
    data = {
        k: v for k, v in uow.organisations.profile(slug).items() if k in PartnerProfile.model_fields
    }
    if not data:
        return None
    try:
        return PartnerProfile.model_validate(data)
    except ValidationError:
        return None
