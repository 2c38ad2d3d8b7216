"""Parsing /credit: every form a team lead or member may type."""

from __future__ import annotations

import pytest

from scoring.commands import (
    CreditRequest,
    HelpRequest,
    MeRequest,
    OrgRequest,
    QuietRequest,
    parse_credit_command,
)
from scoring.errors import CommandError

TYPES = ("code", "review", "support", "docs")


def parse(text: str, *, invoker: str = "U01LEAD", lead: bool = True) -> object:
    return parse_credit_command(
        text, invoker=invoker, is_team_lead=lead, type_names=TYPES, max_points=50
    )


def problem(text: str, *, invoker: str = "U01LEAD", lead: bool = True) -> CommandError:
    with pytest.raises(CommandError) as caught:
        parse(text, invoker=invoker, lead=lead)
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
