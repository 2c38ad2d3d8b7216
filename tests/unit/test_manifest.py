"""manifest.yml is valid against Slack's published schema (classic apps, 1.0.0)."""

from __future__ import annotations

import json
import os
from pathlib import Path

import jsonschema
import pytest
import yaml

ROOT = Path(__file__).parents[2]
SCHEMA = ROOT.parent / "shared" / "slack-manifest-schema" / "manifest.schema.1.0.0.json"


def test_manifest_is_valid_against_slacks_schema() -> None:
    if not SCHEMA.exists():
        if os.environ.get("CI"):
            pytest.fail(f"Slack's manifest schema is missing beside the checkout: {SCHEMA.name}")
        pytest.skip("Slack's manifest schema is not beside this checkout")
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    jsonschema.Draft7Validator(schema).validate(manifest)


def test_credit_command_is_escaped_and_served_at_the_events_url() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    (credit,) = [c for c in manifest["features"]["slash_commands"] if c["command"] == "/credit"]
    assert credit["should_escape"] is True
    assert credit["url"].endswith("/slack/events")
    assert manifest["settings"]["interactivity"]["request_url"].endswith("/slack/events")


def test_nominate_command_is_escaped_and_served_at_the_events_url() -> None:
    manifest = yaml.safe_load((ROOT / "manifest.yml").read_text(encoding="utf-8"))
    commands = manifest["features"]["slash_commands"]
    (nominate,) = [c for c in commands if c["command"] == "/nominate"]
    assert nominate["should_escape"] is True
    assert nominate["url"].endswith("/slack/events")
    assert len(nominate["description"]) <= 100 and len(nominate["usage_hint"]) <= 100
