"""Parsing /credit: every form a team lead or member may type."""

from __future__ import annotations

import pytest

from scoring.commands import (
    CreditRequest,
    HelpRequest,
    LeadCommand,
    MeRequest,
    OrgRequest,
    QuietRequest,
    parse_credit_command,
)
from scoring.errors import CommandError

TYPES = ("code", "review", "support", "docs")


def parse(text: str, *, invoker: str = "U01LEAD", lead: bool = True, pm: bool = False) -> object:
    return parse_credit_command(
        text,
        invoker=invoker,
        is_team_lead=lead,
        type_names=TYPES,
        max_points=50,
        is_program_manager=pm,
    )


def problem(
    text: str, *, invoker: str = "U01LEAD", lead: bool = True, pm: bool = False
) -> CommandError:
    with pytest.raises(CommandError) as caught:
        parse(text, invoker=invoker, lead=lead, pm=pm)
    return caught.value


def test_an_escaped_user_a_type_points_and_a_note_make_a_credit_request() -> None:
    assert parse("<@U0ALICE|alice> code 3 fixed the   build") == CreditRequest(
        users=("U0ALICE",), type="code", points=3, note="fixed the   build"
    )


def test_several_users_are_credited_in_one_command_each_once() -> None:
    assert parse("<@U0A|a> <@U0B> <@U0A|a> review") == CreditRequest(
        users=("U0A", "U0B"), type="review", points=None, note=""
    )


def test_without_points_the_rest_is_the_note_even_when_it_names_someone() -> None:
    request = parse("<@U0A|a> Support helped <@U0B|b> with the install")
    assert request == CreditRequest(
        users=("U0A",), type="support", points=None, note="helped <@U0B|b> with the install"
    )


@pytest.mark.parametrize("points", ["0", "51", "-2", "2.5", "3,5", "+100"])
def test_points_outside_one_to_the_maximum_or_not_whole_are_refused(points: str) -> None:
    error = problem(f"<@U0A|a> code {points} note")
    assert f"Points must be a whole number from 1 to 50, not '{points}'" in str(error)
    assert "How to use /credit" in error.usage


def test_an_unknown_type_names_the_known_types() -> None:
    error = problem("<@U0A|a> coding 3")
    assert "Unknown contribution type 'coding'; known types: code, review, support, docs" in (
        error.problem
    )


def test_a_missing_type_is_asked_for() -> None:
    assert "Which kind of contribution?" in problem("<@U0A|a>").problem


def test_a_missing_user_is_explained() -> None:
    assert "Start with the person to credit, not 'code'" in problem("code 3 <@U0A|a>").problem


def test_an_unlinked_at_name_is_explained() -> None:
    assert "could not read '@alice' as a Slack user" in problem("@alice code").problem


def test_here_and_user_groups_cannot_be_credited() -> None:
    assert "@here, @channel and user groups" in problem("<!here> code").problem
    assert "user groups" in problem("<!subteam^S0TEAM|@team> code").problem


def test_an_empty_command_from_a_lead_shows_the_usage() -> None:
    error = problem("   ")
    assert error.problem == "Tell me who to credit and for what."
    assert "/credit me" in error.usage


def test_nobody_can_credit_themselves_even_among_others() -> None:
    error = problem("<@U0A|a> <@U01LEAD|me> code", invoker="U01LEAD")
    assert error.problem == "You cannot credit yourself; ask another team lead."


def test_a_member_who_is_not_a_team_lead_is_refused_but_may_use_the_rest() -> None:
    error = problem("<@U0A|a> code", invoker="U0X", lead=False)
    assert "Only team leads can credit" in error.problem
    assert parse("me", lead=False) == MeRequest()
    assert parse("", lead=False) == HelpRequest()


def test_subcommands_are_understood_in_any_case() -> None:
    assert parse("HELP") == HelpRequest()
    assert parse("me") == MeRequest()
    assert parse("org Acme") == OrgRequest("acme")
    assert parse("quiet") == QuietRequest(True)
    assert parse("unquiet") == QuietRequest(False)


def test_org_needs_exactly_one_slug() -> None:
    assert "Which organisation?" in problem("org").problem
    assert "One organisation at a time" in problem("org acme beta").problem


def test_the_type_is_case_insensitive() -> None:
    request = parse("<@U0A|a> DOCS 4")
    assert isinstance(request, CreditRequest)
    assert (request.type, request.points) == ("docs", 4)


# -- /credit lead ----------------------------------------------------------------------------
def pm_lead(text: str) -> object:
    return parse(text, invoker="U01PM", lead=False, pm=True)


def lead_problem(text: str) -> CommandError:
    return problem(text, invoker="U01PM", lead=False, pm=True)


def test_a_lead_has_a_region_a_quoted_category_a_size_and_a_note_after_the_dashes() -> None:
    command = pm_lead(
        'lead Africa "instructional  design" "500 learners" -- Contact: Ms Ada -- any time'
    )
    assert command == LeadCommand(
        region="Africa",
        category="instructional design",
        size="500 learners",
        note="Contact: Ms Ada -- any time",
    )


def test_a_lead_needs_only_a_region_and_a_category() -> None:
    assert pm_lead("LEAD europe Hosting") == LeadCommand("europe", "Hosting", None, "")


def test_a_note_may_come_without_a_size() -> None:
    assert pm_lead("lead Europe hosting -- call Bo") == LeadCommand(
        "Europe", "hosting", None, "call Bo"
    )


def test_an_ampersand_slack_escaped_is_read_back_in_the_values_not_in_the_note() -> None:
    assert pm_lead('lead Europe "research &amp; development" -- Q&amp;A') == LeadCommand(
        "Europe", "research & development", None, "Q&amp;A"
    )


def test_nothing_after_the_dashes_is_no_note() -> None:
    assert pm_lead("lead Europe hosting --  ") == LeadCommand("Europe", "hosting", None, "")


def test_the_curly_quotes_and_long_dash_a_phone_types_are_understood() -> None:
    assert pm_lead("lead \u201cNorth America\u201d development small \u2014 via Ann") == (
        LeadCommand("North America", "development", "small", "via Ann")
    )
    assert pm_lead("lead Asia \u201dinstructional design\u201d") == (
        LeadCommand("Asia", "instructional design", None, "")
    )


def test_only_programme_managers_may_give_a_lead_even_a_team_lead_is_refused() -> None:
    error = problem("lead Europe hosting", invoker="U01LEAD", lead=True, pm=False)
    assert error.problem.startswith("Only programme managers can give leads")
    assert "How to use" not in str(error)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("lead", "Which region and category is the lead for?"),
        ("lead Europe", "Which category (hosting, development, ...) is the lead in Europe for?"),
        (
            "lead Africa instructional design 500 learners",
            "I read region 'Africa', category 'instructional', size 'design', and then "
            "'500 learners': quote a value of several words, and put the note after `--`.",
        ),
        ('lead Africa "instructional design', 'A quote is not closed: "instructional design'),
        ('lead Europe ""', "An empty value in quotes"),
        ("lead <@U0ALICE|alice> hosting", "'<@U0ALICE|alice>' is a Slack mention or link"),
        ("lead Europe ???", "'???' is not a category; write it as words."),
        ("lead Europe " + "h" * 61, "The category is 61 characters long; at most 60."),
    ],
)
def test_a_malformed_lead_says_what_was_wrong_and_how_to_write_it(text: str, expected: str) -> None:
    error = lead_problem(text)
    assert error.problem.startswith(expected)
    assert "/credit lead <region> <category> [size] [-- note]" in error.usage


def test_a_note_longer_than_two_thousand_characters_is_refused() -> None:
    error = lead_problem("lead Europe hosting -- " + "x" * 2001)
    assert error.problem == "The note is 2001 characters long; at most 2000."


def test_the_usage_shows_the_lead_command() -> None:
    assert "`/credit lead <region> <category> [size] [-- note]`" in problem("").usage


@pytest.mark.parametrize("raw", ["²", "9" * 5000, "#0", "1" * 19])
def test_revoking_digits_that_are_no_credit_id_says_so(raw: str) -> None:
    with pytest.raises(CommandError) as caught:
        parse(f"revoke {raw} a mistake")
    assert "is not a credit id" in caught.value.problem and len(caught.value.problem) < 100
