"""Real ``creditbot serve`` processes sharing one PostgreSQL database, each talking to the
Slack stand-in through a :class:`~tests.support.proxies.Gate` of its own."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import pytest

from tests.support.processes import PYTHON_CREDITBOT, die_with_the_tests, free_port
from tests.support.proxies import Gate
from tests.support.slack import sign


@dataclass
class Replica:
    """One ``creditbot serve`` process, with its own port, gate and log file."""

    name: str
    gate: Gate
    env: dict[str, str]
    folder: Path
    scheduler: bool
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def log(self) -> Path:
        return self.folder / f"{self.name}.log"

    def start(self) -> Replica:
        command = [*PYTHON_CREDITBOT, "serve", "--port", str(self.port), "--log-level", "info"]
        if not self.scheduler:
            command.append("--no-scheduler")
        env = {**self.env, "SLACK_API_URL": self.gate.url}
        with self.log.open("wb") as log:
            self.process = subprocess.Popen(
                command,
                env=env,
                cwd=self.folder,
                stdout=log,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_the_tests if sys.platform == "linux" else None,
            )
        return self

    def ready(self) -> bool:
        assert self.process is not None
        if self.process.poll() is not None:
            pytest.fail(f"{self.name} stopped: {self.log.read_text(errors='replace')[-3000:]}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def post(self, body: bytes, content_type: str) -> httpx.Response:
        """A request signed as Slack signs it, to this replica's ``/slack/events``."""
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": stamp,
            "X-Slack-Signature": sign(body, stamp),
        }
        return httpx.post(f"{self.url}/slack/events", content=body, headers=headers, timeout=30)

    def kill(self) -> None:
        """SIGKILL: no clean-up of any kind, as when a machine dies."""
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as a deployment stops a replica; its exit code."""
        assert self.process is not None
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=45)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
        return int(self.process.returncode)
