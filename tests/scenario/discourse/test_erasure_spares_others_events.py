"""An erasure purges the stored events that name the erased person, and only those: an
event of someone else that merely contains the same letters still waits and credits."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from tests.scenario.discourse.test_solutions import cli_for_forum  # noqa: F401  (a fixture)
from tests.standins.discourse_api import StandinDiscourse
from tests.support.cli import CliResult
from tests.support.discourse import Deliver, payload

pytestmark = pytest.mark.usefixtures("esther_answers_marco")


def test_erasing_est_keeps_the_waiting_solution_of_esther_and_credits_it_later(
    deliver: Deliver,
    forum: StandinDiscourse,
    cli_for_forum: Callable[..., CliResult],  # noqa: F811
    tmp_path: Path,
) -> None:
    line = {"member": "est@gmail.com", "type": "code", "at": "2026-10-02", "ref": "pr-9"}
    (tmp_path / "est.jsonl").write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert cli_for_forum("import", str(tmp_path / "est.jsonl")).code == 0
    forum.disconnect("/emails.json")
    deliver("accepted_solution", payload("accepted_solution"))  # Esther's, waiting

    assert cli_for_forum("member", "forget", "est@gmail.com").code == 0

    retried = cli_for_forum("discourse", "retry")
    assert retried.code == 0 and "1 processed" in retried.out, retried.out
    shown = cli_for_forum("member", "info", "esther_o")
    assert shown.code == 0 and "support 2" in shown.out, shown.out
