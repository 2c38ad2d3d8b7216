"""A ``creditbot serve`` on a fresh SQLite database (or ``--database-url``), with the
loopback stand-ins of the Slack Web API and the forum, for the process benchmarks
(bench_slack_under_load.py, bench_kill_serve.py). Loopback only."""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse  # noqa: E402
from tests.standins.slack_api import SlackApiStandIn  # noqa: E402
from tests.support.config import BASE_CONFIG  # noqa: E402
from tests.support.discourse import WEBHOOK_SECRET  # noqa: E402
from tests.support.processes import free_port  # noqa: E402
from tests.support.slack import BOT_TOKEN, PEOPLE, SIGNING_SECRET  # noqa: E402

START_TIMEOUT = 120.0
CREDITBOT = [sys.executable, "-c", "from bot.cli import run; run()"]


class Rig:
    """A folder with ``creditbot.yml`` and a migrated database, and the stand-ins."""

    def __init__(self, database_url: str | None = None) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="creditbot-bench-"))
        self.slack = SlackApiStandIn().start()
        for user_id, name, email, is_bot, deleted in PEOPLE:
            self.slack.add_user(user_id, name, email, is_bot=is_bot, deleted=deleted)
        self.forum = StandinDiscourse().start()
        config = self.folder / "creditbot.yml"
        config.write_text(yaml.safe_dump(BASE_CONFIG), encoding="utf-8")
        self.database_url = database_url or f"sqlite:///{self.folder / 'creditbot.db'}"
        self.env = {
            **os.environ,
            "DATABASE_URL": self.database_url,
            "CREDITBOT_CONFIG": str(config),
            "SLACK_BOT_TOKEN": BOT_TOKEN,
            "SLACK_SIGNING_SECRET": SIGNING_SECRET,
            "SLACK_API_URL": self.slack.url,
            "DISCOURSE_URL": self.forum.url,
            "DISCOURSE_API_KEY": API_KEY,
            "DISCOURSE_API_USERNAME": API_USERNAME,
            "DISCOURSE_WEBHOOK_SECRET": WEBHOOK_SECRET,
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("SLACK_APP_TOKEN", None)
        self.creditbot("db", "upgrade")
        self.logs: list[Path] = []

    def creditbot(self, *args: str) -> str:
        done = subprocess.run(
            [*CREDITBOT, *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=START_TIMEOUT,
            check=True,
        )
        return done.stdout

    def serve(self, *options: str) -> tuple[subprocess.Popen[bytes], str, float]:
        """A started serve, its URL, and the seconds until ``/healthz`` answered 200."""
        port = free_port()
        log = self.folder / f"serve-{len(self.logs)}.log"
        self.logs.append(log)
        began = time.perf_counter()
        with log.open("wb") as out:
            process = subprocess.Popen(
                [*CREDITBOT, "serve", "--port", str(port), "--no-scheduler", *options],
                env=self.env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
            )
        url = f"http://127.0.0.1:{port}"
        while time.perf_counter() - began < START_TIMEOUT:
            if process.poll() is not None:
                raise RuntimeError(f"serve stopped: {log.read_text()[-2000:]}")
            try:
                if httpx.get(f"{url}/healthz", timeout=2).status_code == 200:
                    return process, url, time.perf_counter() - began
            except httpx.TransportError:
                pass
            time.sleep(0.05)
        process.kill()
        raise RuntimeError("serve did not answer in time")

    def close(self) -> None:
        self.slack.stop()
        self.forum.stop()
