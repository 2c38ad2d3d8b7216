"""An erased member and a merge: an erasure is never undone or dodged through a merge.

``creditbot member merge`` with an erased record, ``member forget`` of a record that
others were merged into, and ``member unmerge`` after the erasure.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import Cli, imported


@pytest.fixture
def community(cli: Cli, tmp_path: Path) -> Cli:
    lines = [
        {"member": "alice@acme.example", "type": "code", "at": "2026-10-02", "ref": "pr-1"},
        {"member": "alice.smith@gmail.com", "type": "docs", "at": "2026-10-09", "ref": "doc-1"},
        {"member": "bob@beta.example", "type": "code", "at": "2026-10-10", "ref": "pr-2"},
    ]
    return imported(cli, tmp_path, lines)


def _member_id(cli: Cli, reference: str) -> str:
    first = cli("member", "info", reference).out.splitlines()[0]
    return first.rsplit("(member ", 1)[1].rstrip(")")


def _names(cli: Cli) -> list[str]:
    result = cli("report", "--month", "2026-10", "--format", "json")
    assert result.code == 0, result.err
    return sorted(m["name"] for m in json.loads(result.out)["members"])


def test_a_live_member_cannot_be_merged_into_an_erased_record(community: Cli) -> None:
    erased = _member_id(community, "alice.smith@gmail.com")
    assert community("member", "forget", erased).code == 0

    result = community("member", "merge", erased, "bob@beta.example")

    assert result.code == 1
    assert f"member {erased} was erased" in result.err and "Nothing was changed" in result.err
    assert "bob (member" in community("member", "info", "bob@beta.example").out
    assert _names(community) == ["a former member", "alice", "bob"]


def test_an_erased_member_cannot_be_named_in_public_again(community: Cli) -> None:
    erased = _member_id(community, "alice.smith@gmail.com")
    assert community("member", "forget", erased).code == 0

    result = community("member", "show", erased)

    assert result.code == 1
    assert f"member {erased} was erased at their request" in result.err
    assert "Nothing was changed" in result.err
    public = community("report", "--month", "2026-10", "--format", "markdown")
    assert public.code == 0 and "former member" not in public.out


def test_an_erased_record_cannot_be_merged_into_a_live_member(community: Cli) -> None:
    erased = _member_id(community, "alice.smith@gmail.com")
    assert community("member", "forget", erased).code == 0

    result = community("member", "merge", "alice@acme.example", erased)

    assert result.code == 1 and f"member {erased} was erased" in result.err
    assert "credits: 1 (5 points)" in community("member", "info", "alice@acme.example").out


def test_forgetting_a_member_also_erases_the_record_merged_into_them(community: Cli) -> None:
    gone = _member_id(community, "alice.smith@gmail.com")
    assert community("member", "merge", "alice@acme.example", gone).code == 0

    assert community("member", "forget", "alice@acme.example").code == 0

    left = community("member", "info", gone).out
    assert "alice" not in left and left.startswith("a former member")


def test_a_merge_cannot_be_undone_after_the_erasure_so_no_credit_is_named_again(
    community: Cli,
) -> None:
    kept = _member_id(community, "alice@acme.example")
    assert community("member", "merge", kept, "alice.smith@gmail.com").code == 0
    assert community("member", "forget", kept).code == 0

    result = community("member", "unmerge", kept)

    assert result.code == 1 and "was erased" in result.err
    assert _names(community) == ["a former member", "bob"]


def test_a_merge_keeps_the_hidden_choice_of_either_record_and_unmerge_restores_it(
    community: Cli,
) -> None:
    assert community("member", "hide", "alice.smith@gmail.com").code == 0

    assert community("member", "merge", "alice@acme.example", "alice.smith@gmail.com").code == 0

    markdown = community("report", "--month", "2026-10", "--format", "markdown").out
    assert "alice" not in markdown and "| bob |" in markdown
    assert community("member", "unmerge", "alice@acme.example").code == 0
    markdown = community("report", "--month", "2026-10", "--format", "markdown").out
    assert "| alice |" in markdown and "alice.smith" not in markdown


def test_a_merge_cannot_be_undone_while_its_record_is_merged_into_another(
    community: Cli,
) -> None:
    kept = _member_id(community, "alice@acme.example")
    assert community("member", "merge", kept, "alice.smith@gmail.com").code == 0
    assert community("member", "merge", "bob@beta.example", kept).code == 0
    bob = _member_id(community, "bob@beta.example")
    before = community("report", "--month", "2026-10", "--format", "json").out

    result = community("member", "unmerge", kept)

    assert result.code == 1
    assert f"member {kept} was merged into member {bob} afterwards" in result.err
    assert f"`creditbot member unmerge {bob}`" in result.err
    assert community("report", "--month", "2026-10", "--format", "json").out == before
    assert community("member", "unmerge", bob).code == 0
    assert community("member", "unmerge", kept).code == 0
    assert _names(community) == ["alice", "alice.smith", "bob"]


def test_forgetting_a_record_merged_into_another_names_the_record_that_holds_the_data(
    community: Cli,
) -> None:
    kept = _member_id(community, "alice@acme.example")
    gone = _member_id(community, "alice.smith@gmail.com")
    assert community("member", "merge", kept, gone).code == 0

    result = community("member", "forget", gone)

    assert result.code == 1
    assert f"member {gone} was merged into member {kept}" in result.err
    assert f"`creditbot member forget {kept}`" in result.err
    assert "alice (member" in community("member", "info", kept).out
