"""An import line's moment in any ISO-8601 form Python reads is stored as that moment.

The import reads its usual moment (``2026-10-01T12:00:00Z``) by slicing the text into
the stored form; other forms of the same length (an ISO week date, a time in the basic
format, a fraction) must go the long way, through the parsed moment, or the ledger
holds text that is not a date at all."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.support.cli import Cli

#: (as written in the file, the moment it means)
FORMS = [
    ("2026-W40-3T12:00:00Z", "2026-09-30T12:00:00+00:00"),  # ISO week date
    ("2026-09-30T120000.5Z", "2026-09-30T12:00:00.500000+00:00"),  # basic time, a fraction
    ("2026-09-30T12000000Z", "2026-09-30T12:00:00+00:00"),  # basic time, hundredths
]


def _write(path: Path, at: str) -> Path:
    if path.suffix == ".csv":
        path.write_text(f"member,type,at,ref\nann@acme.example,talk,{at},r-1\n", encoding="utf-8")
    else:
        line = {"member": "ann@acme.example", "type": "talk", "at": at, "ref": "r-1"}
        path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


@pytest.mark.parametrize("suffix", [".jsonl", ".csv"])
@pytest.mark.parametrize(("written", "meant"), FORMS, ids=[f[0] for f in FORMS])
def test_an_imported_moment_in_another_iso_form_counts_in_its_month(
    cli: Cli, tmp_path: Path, suffix: str, written: str, meant: str
) -> None:
    assert cli("db", "upgrade").code == 0
    result = cli("import", str(_write(tmp_path / f"credits{suffix}", written)))
    assert result.code == 0, result.err

    for rebuilt in (False, True):  # the figures kept at import, then read from the ledger
        if rebuilt:
            assert cli("db", "rebuild-rollups").code == 0
        report = cli("report", "--month", "2026-09", "--format", "json")
        assert report.code == 0, report.err
        members = json.loads(report.out)["members"]
        assert [(m["points"], m["credits"]) for m in members] == [(5, 1)], (rebuilt, members)
    exported = cli("member", "export", "ann@acme.example")
    assert exported.code == 0, exported.err
    written_to = tmp_path / exported.out.split()[1]  # "wrote FILE (member N)"
    data = json.loads(written_to.read_text(encoding="utf-8"))
    assert [c["occurred_at"] for c in data["credits"]] == [meant]
