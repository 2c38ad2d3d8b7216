"""``/nominate`` and its form: every mistake gets a clear message, links become evidence."""

from __future__ import annotations

import pytest

from scoring.distinguished import Track
from scoring.errors import CommandError
from scoring.nominations import (
    NominateForm,
    NominateHelp,
    NominateRequest,
    check_form,
    justification_and_links,
    parse_links,
    parse_nominate_command,
)

TRACKS = (
    Track("engineer", "Distinguished Engineer", "member", ("code", "review")),
    Track("advocate", "Distinguished Advocate", "member", ("talk",)),
    Track("partner", "Distinguished Partner", "organisation"),
)
ORGS = ("acme", "beta")


def parse(text: str) -> object:
    return parse_nominate_command(text, tracks=TRACKS, organisations=ORGS)


def problem(text: str) -> str:
    with pytest.raises(CommandError) as caught:
        parse(text)
    return caught.value.problem


def test_a_person_is_nominated_with_the_links_of_the_text_as_evidence() -> None:
    request = parse(
        "<@U0ADA|ada> engineer mentored &lt;five&gt; reviewers &amp; more: "
        "<https://git.example/pr/1> and <https://forum.example/t/2|the thread>."
    )
    assert request == NominateRequest(
        nominee="U0ADA",
        track="engineer",
        justification=(
            "mentored <five> reviewers & more: https://git.example/pr/1 and "
            "https://forum.example/t/2."
        ),
        links=("https://git.example/pr/1", "https://forum.example/t/2"),
    )


def test_the_track_may_come_first_and_in_capitals() -> None:
    request = parse("Engineer <@U0ADA> fixed the build")
    assert isinstance(request, NominateRequest)
    assert (request.nominee, request.track) == ("U0ADA", "engineer")


def test_an_organisation_track_takes_a_slug() -> None:
    request = parse("ACME partner hosted three sprints")
    assert request == NominateRequest("acme", "partner", "hosted three sprints")


def test_no_text_opens_the_form_and_help_shows_the_tracks() -> None:
    assert parse("   ") == NominateForm()
    assert parse("help") == NominateHelp()


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("<@U0ADA|ada>", "Which track? Add one after <@U0ADA>"),
        ("engineer", "Whom do you nominate for Distinguished Engineer?"),
        ("<@U0ADA> wizard because", "Unknown track 'wizard'"),
        ("<@U0ADA> engineer", "Why do you nominate them?"),
        ("<@U0ADA> engineer    <https://git.example/pr/1>", "Why do you nominate them?"),
        ("@ada engineer great", "I could not read '@ada' as a Slack user"),
        ("ada engineer great", "Start with the person you nominate"),
        ("<@U0ADA> partner great", "Distinguished Partner is for organisations"),
        ("gamma partner great", "I do not know the organisation 'gamma'"),
        ("<!here> engineer great", "@here, @channel and user groups cannot be nominated"),
        ("<@U0ADA> engineer " + "x" * 2501, "The justification is 2501 characters long"),
    ],
)
def test_each_mistake_says_what_was_wrong(text: str, expected: str) -> None:
    assert expected in problem(text)


def test_the_usage_lists_the_tracks() -> None:
    with pytest.raises(CommandError) as caught:
        parse("<@U0ADA> wizard because")
    assert "`engineer` (Distinguished Engineer)" in caught.value.usage
    assert "`partner` (Distinguished Partner)" in caught.value.usage


def test_mentions_stay_mentions_and_special_tokens_become_words() -> None:
    text, links = justification_and_links(
        "helped <@U0BOB|bob> in <#C0HELP|help>, told <!here>, wrote <mailto:a@b.example|a@b>"
    )
    assert text == "helped <@U0BOB> in <#C0HELP>, told @here, wrote a@b"
    assert links == ()


def test_the_forms_links_are_one_per_line() -> None:
    assert parse_links("https://a.example/1\n\n  https://b.example/2 https://a.example/1") == (
        "https://a.example/1",
        "https://b.example/2",
    )
    with pytest.raises(CommandError, match="Line 2: 'see the forum' is not a link"):
        parse_links("https://a.example/1\nsee the forum")


def test_the_form_is_checked_field_by_field() -> None:
    errors = check_form(
        nominee_user=None,
        organisation=None,
        track="engineer",
        justification="   ",
        links="not a link",
        tracks=TRACKS,
        organisations=ORGS,
    )
    assert set(errors) == {"nominee", "justification", "links"}
    assert check_form(
        nominee_user="U0ADA",
        organisation=None,
        track=None,
        justification="fine",
        links="",
        tracks=TRACKS,
    ) == {"track": "Choose a track."}
    assert set(
        check_form(
            nominee_user="U0ADA",
            organisation="",
            track="partner",
            justification="fine",
            links="",
            tracks=TRACKS,
        )
    ) == {"organisation"}


def test_a_good_form_is_a_request_with_the_links_of_both_fields() -> None:
    request = check_form(
        nominee_user="U0ADA",
        organisation="acme",
        track="engineer",
        justification="Ran the <release> & see https://git.example/pr/9.",
        links="https://talks.example/ada",
        tracks=TRACKS,
        organisations=ORGS,
    )
    assert request == NominateRequest(
        nominee="U0ADA",
        track="engineer",
        justification="Ran the <release> & see https://git.example/pr/9.",
        links=("https://talks.example/ada", "https://git.example/pr/9"),
    )
