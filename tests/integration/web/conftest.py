"""The partner community of ``community.py`` for the integration tests."""

from __future__ import annotations

from typing import Any

import pytest

from bot.runtime import Runtime
from tests.integration.web.community import build_community, community_config


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    return community_config(config_data)


@pytest.fixture
def community(runtime: Runtime) -> Runtime:
    build_community(runtime)
    return runtime
