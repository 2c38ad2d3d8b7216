"""``creditbot member hide|show|info|merge|unmerge`` and ``creditbot credit revoke``."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests.support.cli import Cli, imported


@pytest.fixture
def community(cli: Cli, tmp_path: Path) -> Cli:
    lines = [
        {"member": "alice@acme.example", "type": "code", "at": "2026-10-02", "ref": "pr-1"},
        {"member": "alice@gmail.com", "type": "docs", "at": "2026-10-09", "ref": "doc-1"},
        {"member": "bob@beta.example", "type": "code", "at": "2026-10-10", "ref": "pr-2"},
    ]
    return imported(cli, tmp_path, lines)


def _report(cli: Cli, fmt: str = "json") -> str:
    result = cli("report", "--month", "2026-10", "--format", fmt)
    assert result.code == 0, result.err
    return result.out


def test_a_hidden_member_is_left_out_of_the_markdown_report_with_totals_unchanged(
    community: Cli,
) -> None:
    before = json.loads(_report(community))["organisations"]

    result = community("member", "hide", "alice@acme.example")

    assert result.code == 0 and "hidden from public listings" in result.out
    markdown = _report(community, "markdown")
    assert "| alice | acme |" not in markdown and "| bob | beta |" in markdown
    assert json.loads(_report(community))["organisations"] == before
    assert community("member", "show", "alice@acme.example").code == 0
    assert "| alice | acme |" in _report(community, "markdown")


def test_merging_two_records_of_one_person_joins_their_credits_and_unmerge_undoes_it(
    community: Cli,
) -> None:
    result = community("member", "merge", "alice@acme.example", "alice@gmail.com")

    assert result.code == 0, result.err
    shown = community("member", "info", "alice@acme.example").out
    assert "email: alice@gmail.com" in shown and "credits: 2 (8 points)" in shown
    members = json.loads(_report(community))["members"]
    assert len(members) == 2 and members[0]["points"] == 8
    assert json.loads(_report(community))["new_members"] == 2

    undone = community("member", "unmerge", "alice@acme.example")

    assert undone.code == 0, undone.err
    assert "credits: 1 (5 points)" in community("member", "info", "alice@acme.example").out
    assert "credits: 1 (3 points)" in community("member", "info", "alice@gmail.com").out
    assert json.loads(_report(community))["new_members"] == 3
    again = community("member", "unmerge", "alice@acme.example")
    assert again.code == 1 and "no merge into" in again.err


def test_a_member_cannot_be_merged_with_itself(community: Cli) -> None:
    result = community("member", "merge", "alice@acme.example", "alice@acme.example")
    assert result.code == 1
    assert "is the same record twice: name two different members" in result.err


def test_credit_revoke_needs_a_reason_and_keeps_the_withdrawal_on_record(community: Cli) -> None:
    shown = community("member", "info", "bob@beta.example").out
    credit_id = re.search(r"#(\d+) 2026-10-10 code", shown)
    assert credit_id is not None

    missing = community("credit", "revoke", credit_id.group(1))
    assert missing.code == 2
    unknown = community("credit", "revoke", "999", "--reason", "typo")
    assert unknown.code == 1 and "there is no credit 999" in unknown.err
    done = community("credit", "revoke", credit_id.group(1), "--reason", "counted twice")

    assert done.code == 0, done.err
    assert "[withdrawn]" in community("member", "info", "bob@beta.example").out
    assert "bob" not in [m["name"] for m in json.loads(_report(community))["members"]]
    twice = community("credit", "revoke", credit_id.group(1), "--reason", "again")
    assert twice.code == 1 and "already withdrawn" in twice.err


def test_member_export_writes_the_members_own_data_as_json(community: Cli, tmp_path: Path) -> None:
    target = tmp_path / "alice.json"

    result = community("member", "export", "alice@acme.example", "--out", str(target))

    assert result.code == 0, result.err
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["identities"] == [{"kind": "email", "value": "alice@acme.example"}]
    assert [(c["type"], c["evidence"]) for c in document["credits"]] == [("code", None)]
    assert "bob" not in json.dumps(document)


def test_member_forget_anonymises_the_credits_and_keeps_the_totals(community: Cli) -> None:
    before = json.loads(_report(community))

    result = community("member", "forget", "alice@acme.example")

    assert result.code == 0, result.err
    after = json.loads(_report(community))
    assert after["organisations"] == before["organisations"]
    assert after["new_members"] == before["new_members"]
    names = sorted(m["name"] for m in after["members"])
    assert names == ["a former member", "alice", "bob"]
    assert "alice@acme.example" not in json.dumps(after)
    gone = community("member", "info", "alice@acme.example")
    assert gone.code == 1 and "no member known as" in gone.err


def test_member_info_gives_each_credit_its_id_and_evidence(cli: Cli, tmp_path: Path) -> None:
    assert cli("db", "upgrade").code == 0
    line = {
        "member": "ann@acme.example",
        "type": "code",
        "at": "2026-10-02",
        "ref": "https://example.org/pr/7",
    }
    path = tmp_path / "one.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert cli("import", str(path)).code == 0

    shown = cli("member", "info", "ann@acme.example").out

    assert re.search(r"#\d+ 2026-10-02 code 5 acme https://example.org/pr/7", shown), shown
