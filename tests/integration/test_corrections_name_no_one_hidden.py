"""The corrections a published shout-out carries ("October 2026: alice 5 -> 10 points")
name members too: a member erased or hidden is not named there either."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.cli import Cli, imported


@pytest.fixture
def corrected(cli: Cli, tmp_path: Path) -> Cli:
    """October published, then a late credit of Alice's for October, then November
    published with its correction of October."""
    lines = [
        {"member": "alice@acme.example", "type": "code", "at": "2026-10-02", "ref": "pr-1"},
        {"member": "bob@beta.example", "type": "code", "at": "2026-10-10", "ref": "pr-2"},
        {"member": "bob@beta.example", "type": "code", "at": "2026-11-10", "ref": "pr-3"},
    ]
    imported(cli, tmp_path, lines)
    publish = ("jobs", "run", "monthly-shoutout", "--month")
    # published; no Slack or forum here, so the posts wait in the outbox (exit 1)
    assert cli(*publish, "2026-10").code == 1
    late = ("--type", "code", "--date", "2026-10-20", "--ref", "late-1")
    assert cli("credit", "add", "--member", "alice@acme.example", *late).code == 0
    assert cli(*publish, "2026-11").code == 1
    november = cli("report", "--month", "2026-11", "--format", "markdown").out
    assert "October 2026: alice 5 → 10 points (+5)" in november
    return cli


def _published(cli: Cli, *view: str) -> str:
    result = cli(*view)
    assert result.code == 0, result.err
    return result.out


def test_an_erased_member_is_no_longer_named_in_a_published_correction(corrected: Cli) -> None:
    assert corrected("member", "forget", "alice@acme.example").code == 0

    report = _published(corrected, "report", "--month", "2026-11", "--format", "markdown")
    assert "alice" not in report and "Acme Learning 5 → 10 points (+5)" in report
    for view in (
        ("shoutout", "preview", "--month", "2026-11", "--format", "markdown"),
        ("shoutout", "preview", "--month", "2026-11", "--format", "slack"),
    ):
        shown = _published(corrected, *view)
        assert "alice" not in shown, view
        assert "a former member 5 → 10 points (+5)" in shown, view


def test_a_hidden_member_is_not_named_in_the_corrections_of_the_markdown_report(
    corrected: Cli,
) -> None:
    assert corrected("member", "hide", "alice@acme.example").code == 0

    shown = _published(corrected, "report", "--month", "2026-11", "--format", "markdown")

    assert "alice" not in shown
    assert "Acme Learning 5 → 10 points (+5)" in shown  # the organisation's totals stay


def test_the_shoutout_of_the_next_month_does_not_name_a_hidden_member_in_its_corrections(
    cli: Cli, tmp_path: Path
) -> None:
    lines = [
        {"member": "alice@acme.example", "type": "code", "at": "2026-10-02", "ref": "pr-1"},
        {"member": "bob@beta.example", "type": "code", "at": "2026-11-10", "ref": "pr-3"},
    ]
    imported(cli, tmp_path, lines)
    assert cli("jobs", "run", "monthly-shoutout", "--month", "2026-10").code == 1
    late = ("--type", "code", "--date", "2026-10-20", "--ref", "late-1")
    assert cli("credit", "add", "--member", "alice@acme.example", *late).code == 0
    assert cli("member", "hide", "alice@acme.example").code == 0

    assert cli("jobs", "run", "monthly-shoutout", "--month", "2026-11").code == 1

    for fmt in ("slack", "markdown"):
        posted = _published(cli, "shoutout", "preview", "--month", "2026-11", "--format", fmt)
        assert "alice" not in posted, fmt
        assert "Acme Learning 5 → 10 points (+5)" in posted, fmt
