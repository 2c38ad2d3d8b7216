"""A small client of the W3C WebDriver protocol, enough to drive headless Chromium.

Why not Selenium: the handful of calls the browser test needs (open a page, find
elements, read text and attributes, click, run a line of script, take a screenshot)
are plain JSON over HTTP to ``chromedriver``, which httpx (already a test dependency)
speaks; Selenium would add a dependency whose driver manager may try to download
drivers, while Debian's ``chromium-driver`` is the driver we want, at the version that
matches Debian's ``chromium``.
"""

from __future__ import annotations

import base64
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path
from typing import Any

import httpx

ELEMENT = "element-6066-11e4-a52e-4f735466cecf"  # the W3C web element identifier
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
)


def chromium_binary() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def chromedriver_binary() -> str | None:
    return shutil.which("chromedriver")


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class WebDriverError(RuntimeError):
    pass


class Browser:
    """One headless Chromium session through chromedriver, with a fresh profile."""

    def __init__(self, width: int = 1280, height: int = 900) -> None:
        chromium, driver = chromium_binary(), chromedriver_binary()
        if chromium is None or driver is None:
            raise WebDriverError("chromium and chromedriver are needed")
        self._profile = tempfile.mkdtemp(prefix="creditbot-chromium-")
        port = _free_port()
        self._driver = subprocess.Popen(
            [driver, f"--port={port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
        )
        self._http = httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=60)
        self._wait_for_driver()
        args = [
            *CHROMIUM_FLAGS,
            f"--user-data-dir={self._profile}",
            f"--window-size={width},{height}",
        ]
        try:
            session = self._call(
                "POST",
                "/session",
                {
                    "capabilities": {
                        "alwaysMatch": {
                            "browserName": "chrome",
                            "goog:chromeOptions": {"binary": chromium, "args": args},
                        }
                    }
                },
            )
        except (WebDriverError, httpx.HTTPError):
            self.close()
            raise
        self._session = f"/session/{session['sessionId']}"

    def _wait_for_driver(self) -> None:
        for _ in range(300):
            try:
                if self._http.get("/status").json()["value"].get("ready"):
                    return
            except httpx.TransportError:
                pass
            if self._driver.poll() is not None:
                break
            time.sleep(0.05)
        self.close()
        raise WebDriverError("chromedriver did not start")

    def _call(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        response = self._http.request(method, path, json=body if method == "POST" else None)
        value = response.json().get("value")
        if response.status_code != 200:
            error = value.get("error") if isinstance(value, dict) else value
            message = value.get("message", "") if isinstance(value, dict) else ""
            raise WebDriverError(f"{method} {path}: {error}: {message.splitlines()[:1]}")
        return value

    # -- pages -------------------------------------------------------------------------
    def open(self, url: str) -> None:
        self._call("POST", f"{self._session}/url", {"url": url})

    @property
    def url(self) -> str:
        return str(self._call("GET", f"{self._session}/url"))

    @property
    def title(self) -> str:
        return str(self._call("GET", f"{self._session}/title"))

    def resize(self, width: int, height: int) -> None:
        self._call("POST", f"{self._session}/window/rect", {"width": width, "height": height})

    def script(self, source: str, *args: Any) -> Any:
        return self._call(
            "POST", f"{self._session}/execute/sync", {"script": source, "args": list(args)}
        )

    def screenshot(self, path: Path) -> Path:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(base64.b64decode(self._call("GET", f"{self._session}/screenshot")))
        return path

    # -- elements ----------------------------------------------------------------------
    def find_all(self, css: str) -> list[str]:
        found = self._call(
            "POST", f"{self._session}/elements", {"using": "css selector", "value": css}
        )
        return [item[ELEMENT] for item in found]

    def find(self, css: str) -> str:
        found = self.find_all(css)
        if not found:
            raise WebDriverError(f"nothing matches {css!r} on {self.url}")
        return found[0]

    def text(self, element: str) -> str:
        return str(self._call("GET", f"{self._session}/element/{element}/text"))

    def attribute(self, element: str, name: str) -> str | None:
        value = self._call("GET", f"{self._session}/element/{element}/attribute/{name}")
        return None if value is None else str(value)

    def rect(self, element: str) -> dict[str, float]:
        return dict(self._call("GET", f"{self._session}/element/{element}/rect"))

    def click(self, element: str) -> None:
        self._call("POST", f"{self._session}/element/{element}/click", {})

    def close(self) -> None:
        try:
            if hasattr(self, "_session"):
                self._http.delete(self._session)
        except httpx.TransportError:
            pass
        self._http.close()
        self._driver.terminate()
        try:
            self._driver.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self._driver.kill()
            self._driver.wait()
        shutil.rmtree(self._profile, ignore_errors=True)
