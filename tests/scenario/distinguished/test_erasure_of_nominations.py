"""A Distinguished Contributor asks to be forgotten (``creditbot member forget``): the
programme's rows stay (counts and terms), but the nominations of her lose their words,
links and evidence, the one she wrote loses her name, her nominee key names no one, and
the panel's posts of those nominations are updated to the anonymous wording."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import httpx

from bot.gateways import Gateways
from bot.runtime import Runtime
from bot.services.distinguished.cycle import nominate
from storage.tables import DcMembershipRow, DcNominationRow, DcVoteRow
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.recognition import SECRET_JUSTIFICATION, decide_2026
from tests.support.cli import Cli
from tests.support.clock import FixedClock
from tests.support.delivery import deliver
from tests.support.serving import RunningSite
from tests.support.stored import count, table_rows

ANN_WROTE = "ANN-WROTE-4410 Bob kept the advocates' meetups going"
NEXT_CYCLE = datetime(2027, 9, 15, 10, 0, tzinfo=UTC)


def _nominate_bob_as_ann(runtime: Runtime, clock: FixedClock) -> None:
    clock.set(NEXT_CYCLE)
    with runtime.uow() as uow:
        nominate(
            uow,
            runtime.config,
            nominator="U0ANN",
            nominee="U0BOB",
            track="advocate",
            justification=ANN_WROTE,
            links=[],
            now=clock.now,
        )
        uow.commit()


def _panel_post(runtime: Runtime, words: str) -> str:
    """The ts of the panel's post of the nomination saying ``words`` (as delivered)."""
    with runtime.reader() as uow:
        (nomination,) = [n for n in uow.distinguished.nominations() if words in n.justification]
        sent = uow.outbox.by_key(f"dc:nomination:{nomination.id}:panel")
    assert sent is not None and sent.sent_ref
    return sent.sent_ref


def test_an_erased_distinguished_contributor_is_anonymous_in_the_programme_and_the_panel(
    wired: Runtime, clock: FixedClock, slack: SlackApiStandIn, gateways: Gateways, cli: Cli
) -> None:
    decide_2026(wired, clock)
    _nominate_bob_as_ann(wired, clock)
    deliver(wired, gateways, clock.now)
    about_ann = _panel_post(wired, f"{SECRET_JUSTIFICATION} for U0ANN")
    by_ann = _panel_post(wired, ANN_WROTE)
    votes = count(wired, DcVoteRow)
    slack.clear()

    assert cli("member", "forget", "ann@acme.example").code == 0
    deliver(wired, gateways, clock.now)

    updates = {u["ts"]: json.dumps(u) for u in slack.calls_to("chat.update")}
    for shown in (updates[about_ann], updates[by_ann]):
        assert "a former member" in shown
        assert "U0ANN" not in shown and "Ann Archer" not in shown
    assert SECRET_JUSTIFICATION not in updates[about_ann]
    assert "example.org/evidence" not in updates[about_ann]
    assert "Bob Baker" in updates[by_ann] and "Votes cast" in updates[by_ann]  # still open

    stored = json.dumps(table_rows(wired, DcNominationRow), default=str)
    terms = table_rows(wired, DcMembershipRow)
    assert "U0ANN" not in stored and "for U0ANN" not in stored
    assert len(terms) == 5 and count(wired, DcVoteRow) == votes  # counts and terms stay
    (ann,) = [t for t in terms if str(t["nominee_key"]).startswith("erased:")]
    assert ann["track"] == "engineer" and ann["nominee_key"] == f"erased:{ann['member_id']}"

    site = RunningSite(wired).start()
    try:
        page = httpx.get(f"{site.url}/api/distinguished.json", timeout=30).json()
    finally:
        site.stop()
    (engineer,) = [t for t in page["tracks"] if t["key"] == "engineer"]
    assert "Ann Archer" not in json.dumps(page)
    assert len(engineer["members"]) + engineer["unnamed"] == 2  # Ann still counted


def test_the_published_announcement_of_her_cycle_no_longer_names_an_erased_contributor(
    wired: Runtime,
    clock: FixedClock,
    slack: SlackApiStandIn,
    forum: StandinDiscourse,
    gateways: Gateways,
    cli: Cli,
) -> None:
    decide_2026(wired, clock)
    deliver(wired, gateways, clock.now)
    with wired.reader() as uow:
        posted = uow.outbox.by_key("dc:announce:slack:2026")
        topic = uow.outbox.by_key("dc:announce:discourse:2026")
    assert posted is not None and posted.sent_ref and topic is not None and topic.sent_ref
    (announced,) = [
        p
        for p in slack.calls_to("chat.postMessage")
        if "Distinguished Contributors 2026" in str(p.get("text"))
    ]
    assert "Ann Archer" in json.dumps(announced)  # named when it was published
    slack.clear()
    clock.set(NEXT_CYCLE)

    assert cli("member", "forget", "ann@acme.example").code == 0
    deliver(wired, gateways, clock.now)

    (update,) = [u for u in slack.calls_to("chat.update") if u["ts"] == posted.sent_ref]
    shown = json.dumps(update)
    assert "Distinguished Contributors 2026" in shown
    assert "Ann Archer" not in shown and "U0ANN" not in shown
    edits = [e for e in forum.edits if "Ann Archer" not in e["raw"]]
    assert edits and "Distinguished" in edits[-1]["raw"]
    assert all("Ann Archer" not in e["raw"] for e in forum.edits)
