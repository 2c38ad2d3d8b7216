"""The pages in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) loads the directory, uses a filter and opens a partner page with
its chart, on a desktop and a phone-sized window. Screenshots go to tests/artifacts/.

Locally the test is skipped when Chromium is not installed; in CI (``CI=true``) its
absence fails the run (``.ci/run`` installs it).
"""

from __future__ import annotations

import copy
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from bot.config import Settings, parse_config
from bot.runtime import Runtime
from storage.engine import make_engine
from storage.migrate import upgrade
from tests.integration.web.community import NOW, build_community, community_config
from tests.scenario.web.webdriver import Browser, chromedriver_binary, chromium_binary
from tests.support.clock import FixedClock
from tests.support.concurrency import wait_for
from tests.support.config import BASE_CONFIG
from tests.support.serving import RunningSite

ARTIFACTS = Path(__file__).resolve().parents[2] / "artifacts"


def _require_chromium() -> None:
    if chromium_binary() and chromedriver_binary():
        return
    why = (
        "chromium and chromium-driver are not installed (apt-get install chromium chromium-driver)"
    )
    if os.environ.get("CI", "").lower() in {"1", "true", "yes"}:
        pytest.fail(f"CI needs the browser test: {why}", pytrace=False)
    pytest.skip(why)


@pytest.fixture(scope="module")
def browser_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The community served by the real app; the browser checks rendering, so one
    database (SQLite) is enough here: the HTTP tests run the pages on both."""
    _require_chromium()
    folder = tmp_path_factory.mktemp("browser")
    url = f"sqlite:///{folder / 'creditbot.db'}"
    config = parse_config(community_config(copy.deepcopy(BASE_CONFIG)), "test config")
    runtime = Runtime(Settings(database_url=url), config, make_engine(url), FixedClock(NOW))
    upgrade(runtime.engine)
    runtime.sync_organisations()
    build_community(runtime)
    running = RunningSite(runtime).start()
    yield running.url
    running.stop()
    runtime.close()


@pytest.fixture(scope="module")
def browser(browser_site: str) -> Iterator[Browser]:
    chromium = Browser(width=1280, height=900)
    yield chromium
    chromium.close()


def card_slugs(browser: Browser, css: str) -> list[str]:
    return [str(browser.attribute(e, "data-slug")) for e in browser.find_all(css)]


def test_the_directory_shows_the_featured_three_and_the_rest_in_rank_order(
    browser: Browser, browser_site: str
) -> None:
    browser.open(f"{browser_site}/partners")
    assert browser.title == "Partners · Testland"
    assert card_slugs(browser, "#featured article.card") == ["acme", "gamma", "beta"]
    assert card_slugs(browser, "#results article.card") == ["delta", "zeta"]
    # The stylesheet is applied: the header is dark, a featured card has its border.
    header = browser.script(
        "return getComputedStyle(document.querySelector('header.site')).backgroundColor"
    )
    assert header == "rgb(31, 41, 51)"
    first = browser.find("#featured article.card")
    assert "Acme Learning" in browser.text(first)
    assert "Silver partner" in browser.text(first)
    browser.screenshot(ARTIFACTS / "partners.png")


def test_choosing_a_service_in_the_filter_shows_only_those_partners(
    browser: Browser, browser_site: str
) -> None:
    browser.open(f"{browser_site}/partners")
    browser.click(browser.find("#filter-service"))
    browser.click(browser.find('#filter-service option[value="Hosting"]'))
    browser.click(browser.find("form.filters button[type=submit]"))
    # The click may return before the browser has left the page (a loaded machine).
    wait_for(
        "the filtered page",
        lambda: browser.url.endswith("/partners?service=Hosting&region=&language="),
    )
    assert card_slugs(browser, "#results article.card") == ["acme", "gamma", "delta"]
    assert "3 partners: Hosting" in browser.text(browser.find("#results-h"))
    selected = browser.script("return document.querySelector('#filter-service').value")
    assert selected == "Hosting"
    browser.screenshot(ARTIFACTS / "partners-hosting.png")


def test_a_partner_page_draws_its_activity_chart(browser: Browser, browser_site: str) -> None:
    browser.open(f"{browser_site}/partners")
    browser.click(browser.find("#partner-acme h3 a"))
    wait_for("the partner's page", lambda: browser.url.endswith("/partners/acme"))
    assert browser.text(browser.find("h1")) == "Acme Learning"
    chart = browser.find("#activity figure.chart svg")
    size = browser.rect(chart)
    assert size["width"] > 300 and size["height"] > 100
    bars = browser.script(
        "return document.querySelectorAll('#activity svg .series rect, #activity svg .bar').length"
    )
    assert bars > 0
    people = browser.text(browser.find("#people"))
    assert "Ann Archer: 20 points" in people and "Kofi" not in people
    browser.screenshot(ARTIFACTS / "partner-acme.png")


def test_the_pages_fit_a_phone_screen(browser: Browser, browser_site: str) -> None:
    browser.resize(390, 844)
    try:
        for path in ("/partners", "/partners/acme", "/reports", "/reports/2026-10"):
            browser.open(f"{browser_site}{path}")
            overflow = browser.script(
                "return document.documentElement.scrollWidth - window.innerWidth"
            )
            assert overflow <= 0, f"{path} scrolls sideways by {overflow}px on a phone"
        browser.open(f"{browser_site}/partners")
        browser.screenshot(ARTIFACTS / "partners-phone.png")
        browser.open(f"{browser_site}/reports")
        browser.screenshot(ARTIFACTS / "reports-phone.png")
    finally:
        browser.resize(1280, 900)
