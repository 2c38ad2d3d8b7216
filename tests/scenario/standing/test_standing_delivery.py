"""Partner standing end to end: the job run from the command line, delivered to Slack.

Private messages reach only the partner's contacts (and the programme managers' summary
only them), the public note carries no private detail, and a re-run sends nothing.
"""

from __future__ import annotations

import json
from datetime import date

from bot.runtime import Runtime
from bot.services.ledger.conduct import add_conduct_record
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.partners import credit, meet
from tests.support.cli import Cli
from tests.support.months import AUG, JUL, OCT, SEP
from tests.support.slack import dm_texts, everything_sent, public_texts


def test_a_warning_reaches_the_partner_contacts_and_nobody_else(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    meet(runtime, AUG, SEP)
    credit(runtime, "ann@acme.example", OCT, 3)
    credit(runtime, "bea@beta.example", OCT, 5)
    result = cli("jobs", "run", "standing", "--month", "2026-10")
    assert result.code == 0, result.err
    assert "standing for 2026-10: 2 partners evaluated" in result.out
    received = dm_texts(slack)
    assert set(received) == {"U01ACME", "U02ACME", "U01PM"}
    for contact in ("U01ACME", "U02ACME"):
        (text,) = received[contact]
        assert "2026-10 had 3 points of the 10 needed (7 short)" in text
    assert "Beta" not in received["U01ACME"][0]
    (summary,) = received["U01PM"]
    assert "Acme Learning (acme): level 0 → 1" in summary
    assert public_texts(slack) == {}


def test_running_the_same_month_again_sends_nothing(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    meet(runtime, AUG, SEP)
    assert cli("jobs", "run", "standing", "--month", "2026-10").code == 0
    sent = len(everything_sent(slack))
    assert sent == 4  # two partners short in October: 3 contacts, and the summary
    again = cli("jobs", "run", "standing", "--month", "2026-10")
    assert again.code == 0
    assert "already ran for 2026-10" in again.out
    assert len(everything_sent(slack)) == sent


def test_the_public_removal_note_carries_no_private_detail(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    meet(runtime, JUL)
    with runtime.uow() as uow:
        add_conduct_record(
            uow,
            date(2026, 8, 14),
            "Shouted at a volunteer during the sprint",
            runtime.now(),
            member="ann@acme.example",
        )
        uow.commit()
    for month in (AUG, SEP, OCT):
        credit(runtime, "ann@acme.example", month, 2)
        credit(runtime, "bea@beta.example", month, 5)
        result = cli("jobs", "run", "standing", "--month", str(month))
        assert result.code == 0, result.err
    public = public_texts(slack)
    assert list(public) == ["C01NEWS"]
    (note,) = public["C01NEWS"]
    assert "Acme Learning is no longer listed" in note
    stored = json.loads(cli("standing", "--month", "2026-10", "--format", "json").out)
    acme = next(entry for entry in stored if entry["slug"] == "acme")
    assert acme["warning_level"] == 3 and acme["listed"] is False
    assert acme["referrals_paused"] is True
    for reason in acme["reasons"]:
        assert reason not in note
    for detail in (
        "points",
        "needed",
        "short",
        "conduct",
        "Shouted",
        "volunteer",
        "sprint",
        "$",
        "practical",
        "ann",
        "U01",
        "2026",
        "warning",
    ):
        assert detail not in note
    # The contacts heard it privately, the third time with the removal.
    final = dm_texts(slack)["U01ACME"][-1]
    assert "removed from the public partner list" in final
    assert "conduct: 1 code-of-conduct record" in final
    assert "Shouted" not in final
    # Nobody outside the contacts and managers got a private message.
    assert set(dm_texts(slack)) == {"U01ACME", "U02ACME", "U01PM"}


def test_standing_json_after_the_job_has_exactly_the_contract_shape(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    meet(runtime, AUG, SEP, OCT)
    assert cli("jobs", "run", "standing", "--month", "2026-10").code == 0
    result = cli("standing", "--month", "2026-10", "--format", "json")
    assert json.loads(result.out) == [
        {
            "slug": slug,
            "good_standing": True,
            "reasons": [],
            "warning_level": 0,
            "referrals_paused": False,
            "listed": True,
            "evaluated": True,
        }
        for slug in ("acme", "beta")
    ]


def test_a_month_before_the_last_evaluated_one_fails_clearly(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn
) -> None:
    meet(runtime, AUG, SEP, OCT)
    assert cli("jobs", "run", "standing", "--month", "2026-10").code == 0
    late = cli("jobs", "run", "standing", "--month", "2026-09")
    assert late.code == 1
    assert "2026-09 comes before 2026-10, which is already evaluated" in late.err
