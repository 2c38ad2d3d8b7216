"""A programme manager's App Home: questions left open for more than three days, the
partners at risk this month so far and the last job runs; never a conduct record."""

from __future__ import annotations

from datetime import UTC, date, datetime

from bot.services.ledger.conduct import add_conduct_record
from tests.scenario.slack.test_home import _open_home, _texts
from tests.standins.slack_api import SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import add_help_thread, thank_alice_event

CONDUCT_NOTE = "PRIVATE-CONDUCT-8812 harassed a speaker"


def _programme(app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock) -> None:
    """A question asked on 1 November, a standing run done, a conduct record on Acme."""
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    with app.runtime.uow() as uow:
        assert uow.jobs.claim("standing", "2026-10", "test", clock.now)
        assert uow.jobs.finish("standing", "2026-10", "test", clock.now)
        add_conduct_record(uow, date(2026, 10, 3), CONDUCT_NOTE, clock.now, organisation="acme")
        uow.commit()


def _manager_home_on(
    day: int, app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> list[str]:
    """The programme set up on 1 November; the manager's App Home on ``day`` November."""
    _programme(app, slack_api, clock)
    clock.set(datetime(2026, 11, day, 9, 30, tzinfo=UTC))
    return _texts(_open_home(app, "U01PM"))


def _section_starting(texts: list[str], head: str) -> str:
    (found,) = [t for t in texts if t.startswith(head)]
    return found


def test_a_programme_manager_sees_stale_questions_partners_at_risk_and_job_runs(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    texts = _manager_home_on(5, app, slack_api, clock)
    assert "Programme" in texts
    questions = _section_starting(texts, "*Questions open for more than 3 days (1)*")
    assert questions.splitlines()[1].startswith("• <@U0ALICE> in <#C0HELP>: <https://")
    partners = _section_starting(texts, "*Partners at risk in November 2026 so far (2)*")
    assert "• *Acme Learning* (acme): 0 of 10 points" in partners
    assert "• *Beta Pedagogy* (beta): 0 of 5 points" in partners
    runs = _section_starting(texts, "*Last job runs*")
    assert "• `standing` 2026-10: done, 2026-11-01 09:00 UTC" in runs
    assert not any("PRIVATE-CONDUCT" in t for t in texts)


def test_a_question_younger_than_three_days_is_not_yet_stale(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    texts = _manager_home_on(3, app, slack_api, clock)
    questions = _section_starting(texts, "*Questions open for more than 3 days (0)*")
    assert questions.endswith("None. :tada:")


def test_a_team_lead_does_not_see_the_programme(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    _programme(app, slack_api, clock)
    texts = _texts(_open_home(app, "U01LEAD"))
    assert "Programme" not in texts
    assert not any(t.startswith("*Partners at risk") for t in texts)
