"""/credit lead: a programme manager gives a client lead in Slack; the partner next in the
rotation gets it, its contacts are told privately, and everything else stores nothing."""

from __future__ import annotations

import pytest

from bot.runtime import Runtime
from bot.services.partners.profiles import parse_profile, set_profile
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.stored import stored

PM = "U01PM"
PROFILES = {
    "acme": {"services": ["Hosting"], "regions": ["Europe"], "languages": ["English"]},
    "beta": {
        "services": ["Instructional design"],
        "regions": ["Europe", "Africa"],
        "languages": ["French"],
    },
}


@pytest.fixture
def partners(slack_runtime: Runtime) -> Runtime:
    """Acme hosts in Europe; Beta designs courses in Europe and Africa."""
    with slack_runtime.uow() as uow:
        for slug, data in PROFILES.items():
            set_profile(uow, slug, parse_profile(data, slug), PM, slack_runtime.now())
        uow.commit()
    return slack_runtime


def leads(runtime: Runtime) -> list[tuple[str, str, str, str | None, str, str | None]]:
    with runtime.reader() as uow:
        return [
            (lead.organisation, lead.region, lead.category, lead.size, lead.note, lead.created_by)
            for lead in uow.leads.all()
        ]


def private_messages(slack_api: SlackApiStandIn) -> dict[str, list[str]]:
    """What each user received in a direct message (the stand-in opens ``D`` + the user id
    without its first letter)."""
    out: dict[str, list[str]] = {}
    for post in slack_api.calls_to("chat.postMessage"):
        channel = str(post["channel"])
        if channel.startswith("D"):
            out.setdefault("U" + channel[1:], []).append(str(post["text"]))
    return out


def reply(slack_api: SlackApiStandIn) -> dict[str, object]:
    (answer,) = slack_api.calls_to(RESPONSE_URL)
    return answer


def test_a_programme_managers_lead_goes_to_the_partner_and_its_contacts_are_told_privately(
    app: RunningApp, slack_api: SlackApiStandIn, partners: Runtime
) -> None:
    response = app.command(
        'lead Africa "instructional design" "500 learners" -- Contact: Ms Ada, ada@school.example',
        user_id=PM,
    )
    assert response.status_code == 200
    assert response.text == ""  # acked at once; the answer follows privately
    answer = reply(slack_api)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == (
        "Lead 1: *instructional design* in *Africa*, size 500 learners -> *Beta Pedagogy* (beta).\n"
        "Beta Pedagogy (beta) serves Africa and instructional design, and has never had a lead.\n"
        "The only partner who could take it.\n"
        "Not eligible: Acme Learning (does not serve Africa).\n"
        "<@U01BETA> gets a private message with the lead and your note."
    )
    assert leads(partners) == [
        (
            "beta",
            "Africa",
            "instructional design",
            "500 learners",
            "Contact: Ms Ada, ada@school.example",
            PM,
        )
    ]
    told = private_messages(slack_api)
    assert list(told) == ["U01BETA"]  # Acme's contact hears nothing
    (text,) = told["U01BETA"]
    assert "*instructional design* in *Africa*, size 500 learners" in text
    assert "Details: Contact: Ms Ada, ada@school.example" in text
    assert "Acme" not in text
    with partners.reader() as uow:
        (message,) = uow.outbox.list(limit=10)
    assert (message.key, message.status) == ("lead:1:dm:U01BETA", "sent")


def test_the_next_lead_for_the_same_need_goes_round_to_the_partner_that_waited_longest(
    app: RunningApp, slack_api: SlackApiStandIn, partners: Runtime
) -> None:
    with partners.uow() as uow:
        set_profile(uow, "beta", parse_profile(PROFILES["acme"], "beta"), PM, partners.now())
        uow.commit()
    app.command("lead europe hosting", user_id=PM)
    slack_api.clear()
    app.command("lead Europe Hosting -- second one", user_id=PM)
    answer = str(reply(slack_api)["text"])
    assert answer.startswith("Lead 2: *Hosting* in *Europe* -> *Beta Pedagogy* (beta).\n")
    assert "Waited longest of 2 who could take it (Acme Learning: 2026-11-01)." in answer
    assert [lead[0] for lead in leads(partners)] == ["acme", "beta"]


def test_someone_who_is_not_a_programme_manager_is_refused_and_nothing_is_stored(
    app: RunningApp, slack_api: SlackApiStandIn, partners: Runtime
) -> None:
    for user in ("U0BOB", "U01LEAD"):  # a member, and a team lead
        answer = app.command("lead Europe hosting -- call Bo", user_id=user).json()
        assert answer["response_type"] == "ephemeral"
        assert answer["text"].startswith(
            "Only programme managers can give leads with /credit lead; nothing was stored."
        )
    assert leads(partners) == []
    assert stored(partners)["outbox"] == 0
    assert slack_api.calls_to("chat.postMessage") == []
    assert slack_api.calls_to(RESPONSE_URL) == []


def test_a_lead_no_partner_can_take_is_refused_with_the_reasons_and_nothing_is_stored(
    app: RunningApp, slack_api: SlackApiStandIn, partners: Runtime
) -> None:
    app.command('lead Asia "instructional design"', user_id=PM)
    answer = reply(slack_api)
    assert answer["response_type"] == "ephemeral"
    assert answer["text"] == (
        "No lead was stored: no partner can take a lead for instructional design in Asia: "
        "Acme Learning (does not serve Asia); Beta Pedagogy (does not serve Asia)."
    )
    assert leads(partners) == []
    assert stored(partners)["outbox"] == 0
    assert slack_api.calls_to("chat.postMessage") == []


def test_a_malformed_lead_is_answered_privately_with_the_usage_and_stores_nothing(
    app: RunningApp, slack_api: SlackApiStandIn, partners: Runtime
) -> None:
    for text, expected in [
        ("lead Europe", "Which category (hosting, development, ...) is the lead in Europe for?"),
        ("lead Africa instructional design for 500", "I read region 'Africa', category"),
        ('lead Africa "instructional design', "A quote is not closed"),
        # what was typed is shown as text, never as a live mention
        ("lead <@U0ALICE|alice> hosting", "'&lt;@U0ALICE|alice&gt;' is a Slack mention or link"),
    ]:
        answer = app.command(text, user_id=PM).json()
        assert answer["response_type"] == "ephemeral"
        assert answer["text"].startswith(expected), text
        assert "/credit lead <region> <category> [size] [-- note]" in answer["text"]
    assert leads(partners) == []
    assert stored(partners)["outbox"] == 0
    assert slack_api.calls_to(RESPONSE_URL) == []


def test_help_shows_how_to_give_a_lead(app: RunningApp) -> None:
    answer = app.command("help", user_id=PM).json()
    assert (
        "`/credit lead <region> <category> [size] [-- note]` (programme managers)"
        in (answer["text"])
    )
