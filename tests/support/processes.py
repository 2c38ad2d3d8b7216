"""``creditbot`` as real processes (the CLI, ``serve``) on a test's database."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import httpx
import pytest

from tests.support.concurrency import PATIENCE, wait_for

PYTHON_CREDITBOT = [sys.executable, "-c", "from bot.cli import run; run()"]


def die_with_the_tests() -> None:  # pragma: no cover - runs in the child
    """A child is killed when the test process dies, however it dies (Linux)."""
    import ctypes

    pr_set_pdeathsig = 1
    ctypes.CDLL(None, use_errno=True).prctl(pr_set_pdeathsig, signal.SIGKILL)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Process:
    """One ``creditbot`` process, its output going to a log file."""

    name: str
    popen: subprocess.Popen[bytes]
    log: Path
    port: int | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def output(self) -> str:
        return self.log.read_text(encoding="utf-8", errors="replace")

    def alive(self) -> bool:
        return self.popen.poll() is None

    def ready(self) -> bool:
        """For ``serve``: whether it answers ``/healthz`` (fails the test if it stopped)."""
        if not self.alive():
            pytest.fail(f"{self.name} stopped: {self.output()[-3000:]}")
        try:
            return httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
        except httpx.TransportError:
            return False

    def kill(self) -> int:
        """SIGKILL: no clean-up of any kind, as when a machine dies; the exit code."""
        self.popen.send_signal(signal.SIGKILL)
        return self.popen.wait(timeout=30)

    def stop(self) -> int:
        """SIGTERM, as a deployment stops a process; its exit code."""
        if self.popen.poll() is None:
            self.popen.terminate()
            try:
                self.popen.wait(timeout=45)
            except subprocess.TimeoutExpired:
                self.popen.kill()
                self.popen.wait(timeout=10)
        return int(self.popen.returncode)

    def wait(self, timeout: float = PATIENCE) -> int:
        return self.popen.wait(timeout=timeout)


class Creditbot:
    """``creditbot ARGS`` as subprocesses on this test's database and configuration."""

    def __init__(self, folder: Path, env: dict[str, str]) -> None:
        self.folder = folder
        self.env = env
        self.processes: list[Process] = []
        self._names: dict[str, int] = {}

    def point_at(self, *, slack: str | None = None, forum: str | None = None) -> None:
        """Where Slack's Web API (``SLACK_API_URL``) and the forum (``DISCOURSE_URL``) are."""
        if slack is not None:
            self.env["SLACK_API_URL"] = slack
        if forum is not None:
            self.env["DISCOURSE_URL"] = forum

    def run(self, *args: str, timeout: float = PATIENCE) -> subprocess.CompletedProcess[str]:
        """Run to the end; its exit code and output."""
        return subprocess.run(
            [*PYTHON_CREDITBOT, *args],
            env=self.env,
            cwd=self.folder,
            capture_output=True,
            text=True,
            timeout=timeout,
            preexec_fn=die_with_the_tests if sys.platform == "linux" else None,
        )

    def start(self, *args: str, name: str | None = None, port: int | None = None) -> Process:
        """Start it in the background (its output in ``<name>.log``)."""
        base = name or args[0]
        self._names[base] = self._names.get(base, 0) + 1
        log = self.folder / f"{base}-{self._names[base]}.log"
        with log.open("wb") as out:
            popen = subprocess.Popen(
                [*PYTHON_CREDITBOT, *args],
                env=self.env,
                cwd=self.folder,
                stdout=out,
                stderr=subprocess.STDOUT,
                preexec_fn=die_with_the_tests if sys.platform == "linux" else None,
            )
        process = Process(base, popen, log, port)
        self.processes.append(process)
        return process

    def serve(self, *, scheduler: bool = False) -> Process:
        """``creditbot serve`` on a free port, once it answers ``/healthz``."""
        port = free_port()
        args = ["serve", "--port", str(port), "--log-level", "info"]
        if not scheduler:
            args.append("--no-scheduler")
        process = self.start(*args, name="serve", port=port)
        wait_for("creditbot serve to answer", process.ready)
        return process

    def close(self) -> None:
        for process in self.processes:
            if process.alive():
                process.popen.kill()
                process.popen.wait(timeout=30)
