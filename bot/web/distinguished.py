"""The public ``/distinguished`` page and its JSON (``/api/distinguished``), from
``bot.services.distinguished.public``, which hands out only what may be public."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.services.distinguished.public import distinguished_page
from bot.web.links import Links
from bot.web.pages import render_page
from storage.uow import UnitOfWork

API_PATH = "/api/distinguished"


def distinguished_html(
    uow: UnitOfWork, config: ProgrammeConfig, now: datetime, links: Links
) -> str:
    """The Distinguished Contributors by track, and each past cycle's count."""
    return render_page(
        "distinguished.html",
        config,
        now,
        links,
        section="distinguished",
        api_path=API_PATH,
        page=distinguished_page(uow, config, now),
    )


def distinguished_json(uow: UnitOfWork, config: ProgrammeConfig, now: datetime) -> dict[str, Any]:
    return distinguished_page(uow, config, now).to_json()
