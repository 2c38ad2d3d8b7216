"""The App Home: your own credits; for team leads, the questions waiting for an answer."""

from __future__ import annotations

from typing import Any

from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import ANSWER_TS, HELP, add_help_thread, payload, thank_alice_event


def _open_home(app: RunningApp, user: str, event_id: str = "Ev0HOME00001") -> dict[str, Any]:
    envelope = payload("event_app_home_opened")
    envelope["event_id"] = event_id
    envelope["event"]["user"] = user
    assert app.event(envelope).status_code == 200
    published = app.slack_api.calls_to("views.publish")
    assert published[-1]["user_id"] == user
    view: dict[str, Any] = published[-1]["view"]
    return view


def _texts(view: dict[str, Any]) -> list[str]:
    out = []
    for block in view["blocks"]:
        if "text" in block:
            out.append(block["text"]["text"])
        for element in block.get("elements", []):
            out.append(element.get("text", ""))
    return out


def test_a_member_sees_their_credits_and_organisation_rank(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 3 fixed the build")
    view = _open_home(app, "U0ALICE")
    assert view["type"] == "home"
    texts = _texts(view)
    assert texts[0] == "Your contributions"
    assert texts[1] == (
        "*November 2026:* 3 points from 1 credit\n"
        "*All time:* 3 points from 1 credit\n"
        "*Organisation:* Acme Learning, ranked 1 of 1 in November 2026"
    )
    assert "Open questions" not in texts


def test_someone_without_credits_sees_how_to_get_some(app: RunningApp) -> None:
    texts = _texts(_open_home(app, "U0DMITRI"))
    assert texts[1].startswith("*November 2026:* 0 points from 0 credits")
    assert any(t.startswith("Help someone in Slack or on the forum") for t in texts)


def test_a_team_lead_also_sees_the_open_questions_with_links(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(thank_alice_event())
    texts = _texts(_open_home(app, "U01LEAD"))
    assert "Open questions" in texts
    link = f"https://test.slack.example/archives/{HELP}/p{ANSWER_TS.replace('.', '')}"
    (question,) = [t for t in texts if t.startswith("<@U0ALICE> in <#C0HELP>")]
    assert f"<{link}|the message>" in question
    assert "answer them in <#C01REVIEW> with Yes / No." in texts


def test_a_team_lead_with_nothing_open_is_told_so(app: RunningApp) -> None:
    texts = _texts(_open_home(app, "U02LEAD"))
    assert "Nothing waits for an answer. :tada:" in texts
