"""``creditbot partner profile set``: a reviewed profile, checked, with one-line errors."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.errors import InvalidInput
from bot.runtime import Runtime
from bot.services.partners.profiles import (
    DESCRIPTION_MAX_CHARS,
    parse_profile,
    read_profile_file,
    stored_profile,
)

GOOD = {
    "services": ["Hosting", "hosting ", "Development"],
    "regions": ["Europe"],
    "languages": ["English", "French"],
    "description": "We host learning platforms.",
    "website": "https://zeta.example",
    "logo_url": "https://zeta.example/logo.png",
    "links": [{"title": "Blog", "url": "https://zeta.example/blog"}],
}


def write(tmp_path: Path, data: Any, name: str = "profile.yml") -> str:
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return str(path)


def test_a_valid_profile_is_stored_on_the_organisation(
    cli: Callable[..., Any], runtime: Runtime, tmp_path: Path
) -> None:
    result = cli("partner", "profile", "set", "acme", "--file", write(tmp_path, GOOD))
    assert result.code == 0, result.err
    assert "profile of acme stored: 2 services, 1 regions, 2 languages" in result.out
    with runtime.reader() as uow:
        stored = stored_profile(uow, "acme")
    assert stored is not None
    assert stored.services == ["Hosting", "Development"]
    assert stored.logo_url == "https://zeta.example/logo.png"
    shown = cli("partner", "profile", "show", "acme")
    assert '"website": "https://zeta.example"' in shown.out


def test_a_too_long_description_is_refused_in_one_line(
    cli: Callable[..., Any], runtime: Runtime, tmp_path: Path
) -> None:
    data = dict(GOOD, description="x" * (DESCRIPTION_MAX_CHARS + 10))
    result = cli("partner", "profile", "set", "acme", "--file", write(tmp_path, data))
    assert result.code == 1
    assert result.err.strip().splitlines() == [
        f"creditbot: {tmp_path / 'profile.yml'}: description: at most {DESCRIPTION_MAX_CHARS} "
        f"characters, got {DESCRIPTION_MAX_CHARS + 10}"
    ]
    with runtime.reader() as uow:
        assert stored_profile(uow, "acme") is None


def test_mistakes_name_the_key_and_what_was_expected() -> None:
    cases = [
        (dict(GOOD, colour="blue"), "colour: unknown key (known keys: services, regions,"),
        ({k: v for k, v in GOOD.items() if k != "regions"}, "regions: is required"),
        (dict(GOOD, website="acme.example"), "website: expected an http:// or https:// address"),
        (dict(GOOD, logo_url="http://x.example/l.png"), "logo_url: expected an https:// address"),
        (dict(GOOD, services=[]), "services: give at least one"),
        (
            dict(GOOD, languages=["x" * 41]),
            "languages: 'xxxxxxxxxxxxxxxxxxxx...' is longer than 40",
        ),
        (
            dict(GOOD, links=[{"title": "x", "url": "ftp://x"}]),
            "links[0].url: expected an http:// or https:// address",
        ),
        (["a", "list"], "p.yml: expected a mapping of keys"),
    ]
    for data, expected in cases:
        with pytest.raises(InvalidInput) as refused:
            parse_profile(data, "p.yml")
        assert expected in str(refused.value)
        assert str(refused.value).startswith("p.yml: ")
        assert "\n" not in str(refused.value)


def test_a_file_that_is_not_yaml_is_refused_with_its_line(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yml"
    broken.write_text("services: [hosting\n", encoding="utf-8")
    with pytest.raises(InvalidInput, match=r"broken.yml: not valid YAML \(line 2\)"):
        read_profile_file(broken)


def test_an_unknown_organisation_is_refused(
    cli: Callable[..., Any], runtime: Runtime, tmp_path: Path
) -> None:
    unknown = cli("partner", "profile", "set", "nobody", "--file", write(tmp_path, GOOD))
    assert unknown.code == 1
    assert (
        "creditbot: unknown organisation 'nobody' (known: acme, beta, core, delta," in unknown.err
    )
