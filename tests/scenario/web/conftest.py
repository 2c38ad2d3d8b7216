"""The partner community of ``tests/integration/web/community.py``, served by the real app
(``build_app``, as ``creditbot serve`` builds it) under uvicorn on a loopback port.

The pages only read, so most tests share one community per module and database
(``site``); a test that changes the data takes ``fresh_site`` (its own database).
"""

from __future__ import annotations

import copy
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import Settings, parse_config
from bot.runtime import Runtime
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.integration.web.community import NOW, build_community, community_config
from tests.support.clock import FixedClock
from tests.support.config import BASE_CONFIG
from tests.support.databases import BACKENDS
from tests.support.serving import RunningSite


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """``--db sqlite`` (or ``postgresql``) leaves out the shared community's other backend."""
    wanted = config.getoption("--db")
    if wanted == "both":
        return
    keep: list[pytest.Item] = []
    dropped: list[pytest.Item] = []
    for item in items:
        params = getattr(item, "callspec", None)
        backend = params.params.get("shared_community") if params is not None else None
        (dropped if backend not in (None, wanted) else keep).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = keep


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    return community_config(config_data)


@pytest.fixture
def community(runtime: Runtime) -> Runtime:
    build_community(runtime)
    return runtime


@pytest.fixture(scope="module", params=BACKENDS)
def shared_community(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> Iterator[Runtime]:
    """The community on a database of this module's own (each backend in turn)."""
    backend: str = request.param
    folder: Path = tmp_path_factory.mktemp("web")
    server = request.getfixturevalue("postgres_server") if backend == "postgresql" else None
    url = (
        server.create_database(migrated=True)
        if server is not None
        else f"sqlite:///{folder / 'creditbot.db'}"
    )
    config = parse_config(community_config(copy.deepcopy(BASE_CONFIG)), "test config")
    settings = Settings(database_url=url, creditbot_config=str(folder / "creditbot.yml"))
    runtime = Runtime(settings, config, make_engine(url), FixedClock(NOW))
    upgrade(runtime.engine)
    runtime.sync_organisations()
    build_community(runtime)
    yield runtime
    runtime.close()
    if server is not None:
        server.drop_database(url)


@pytest.fixture(scope="module")
def running_site(shared_community: Runtime) -> Iterator[RunningSite]:
    running = RunningSite(shared_community).start()
    yield running
    running.stop()


@pytest.fixture(scope="module")
def site(running_site: RunningSite) -> Iterator[httpx.Client]:
    """A visitor's HTTP client for the running app (the shared community)."""
    with httpx.Client(base_url=running_site.url, timeout=30) as client:
        yield client


@pytest.fixture
def fresh_site(community: Runtime) -> Iterator[httpx.Client]:
    """A client for the app on this test's own community (to change it)."""
    running = RunningSite(community).start()
    with httpx.Client(base_url=running.url, timeout=30) as client:
        yield client
    running.stop()
