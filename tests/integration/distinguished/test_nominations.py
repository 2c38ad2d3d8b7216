"""Nominations: refusals in one private line, the stored evidence, the panel's message."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest

from bot.errors import InvalidInput
from bot.runtime import Runtime
from tests.support.builders.distinguished import credit, nominate_now, outbox, person
from tests.support.clock import FixedClock


def stored(runtime: Runtime) -> int:
    with runtime.reader() as uow:
        return len(uow.distinguished.nominations())


def test_a_nomination_stores_the_credit_history_and_queues_the_panels_message(
    in_window: Runtime,
) -> None:
    alice = person(in_window, "U0ALICE", "Alice Martin")
    credit(in_window, alice, "code", date(2025, 9, 30), 5)  # 13 months back: not shown
    credit(in_window, alice, "code", date(2025, 11, 3), 5)
    credit(in_window, alice, "blog", date(2026, 9, 12), 4)
    result = nominate_now(
        in_window,
        "<@U0ALICE|alice>",
        "Engineer",
        "  Fixed the scheduler.  ",
        links=["https://example.org/pr/1", " https://example.org/pr/1 ", ""],
    )
    nomination = result.nomination
    assert (nomination.cycle, nomination.track, nomination.status) == (2026, "engineer", "open")
    assert nomination.nominee_key == f"member:{alice.id}"
    assert nomination.justification == "Fixed the scheduler."
    assert nomination.links == ("https://example.org/pr/1",)
    evidence = nomination.evidence
    assert (evidence["start_month"], evidence["end_month"]) == ("2025-11", "2026-10")
    assert evidence["by_type"] == {"code": 5, "blog": 4}
    assert evidence["by_month"]["2025-11"] == 5
    assert evidence["by_month"]["2026-09"] == 4
    assert len(evidence["by_month"]) == 12
    assert (evidence["track_points"], evidence["total_points"]) == (5, 9)

    assert result.outbox_keys == (f"dc:nomination:{nomination.id}:panel",)
    [message] = outbox(in_window)
    assert (message.key, message.channel, message.kind, message.target) == (
        f"dc:nomination:{nomination.id}:panel",
        "slack",
        "post",
        "C0PANEL",
    )
    assert "Alice Martin" in message.payload["text"]


def test_self_nomination_is_allowed(in_window: Runtime) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    result = nominate_now(in_window, "U0ALICE", nominator="U0ALICE")
    assert result.nomination.nominator == "U0ALICE"


@pytest.mark.parametrize("track", ["", "   "])
def test_a_missing_track_is_refused_with_the_list_of_tracks(in_window: Runtime, track: str) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    with pytest.raises(InvalidInput) as refused:
        nominate_now(in_window, "U0ALICE", track)
    assert str(refused.value) == (
        "Please name a track; the tracks are: engineer (Distinguished Engineer), "
        "advocate (Distinguished Advocate), innovator (Distinguished Innovator), "
        "partner (Distinguished Partner)."
    )
    assert stored(in_window) == 0
    assert outbox(in_window) == []


def test_an_unknown_track_is_named_in_the_refusal(in_window: Runtime) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    with pytest.raises(
        InvalidInput, match=r"^There is no track 'wizard'; the tracks are: engineer"
    ):
        nominate_now(in_window, "U0ALICE", "wizard")


def test_an_empty_justification_is_refused(in_window: Runtime) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    with pytest.raises(InvalidInput) as refused:
        nominate_now(in_window, "U0ALICE", "engineer", " \n ")
    assert str(refused.value) == (
        "Please say why they deserve Distinguished Engineer: the justification cannot be empty."
    )
    assert stored(in_window) == 0


def test_a_nomination_before_the_window_names_its_dates(
    runtime: Runtime, clock: FixedClock
) -> None:
    person(runtime, "U0ALICE", "Alice Martin")
    clock.set(datetime(2026, 8, 31, 23, 59, tzinfo=UTC))  # the last minute of August
    with pytest.raises(InvalidInput) as refused:
        nominate_now(runtime, "U0ALICE")
    assert str(refused.value) == (
        "Nominations for 2026 open on 1 September and close on 31 October."
    )
    assert stored(runtime) == 0


class TestInParis:
    @pytest.fixture
    def config_data(self, config_data: dict[str, object]) -> dict[str, object]:
        config_data["timezone"] = "Europe/Paris"
        return config_data

    def test_the_close_day_counts_until_midnight_in_the_programme_timezone(
        self, runtime: Runtime, clock: FixedClock
    ) -> None:
        person(runtime, "U0ALICE", "Alice Martin")
        person(runtime, "U0BOB", "Bob Stone")
        clock.set(datetime(2026, 10, 31, 22, 59, tzinfo=UTC))  # 23:59 in Paris (CET)
        assert nominate_now(runtime, "U0ALICE").nomination.cycle == 2026
        clock.set(datetime(2026, 10, 31, 23, 0, tzinfo=UTC))  # midnight in Paris: closed
        with pytest.raises(InvalidInput) as refused:
            nominate_now(runtime, "U0BOB")
        assert str(refused.value) == (
            "Nominations for 2026 closed on 31 October; nominations for 2027 open on "
            "1 September and close on 31 October."
        )
        assert stored(runtime) == 1


def test_a_second_nomination_of_the_same_person_in_the_same_track_is_refused(
    in_window: Runtime,
) -> None:
    person(in_window, "U0ALICE", "Alice Martin")
    nominate_now(in_window, "U0ALICE")
    with pytest.raises(InvalidInput) as refused:
        nominate_now(in_window, "U0ALICE", nominator="U0SOMEONE")
    assert str(refused.value) == (
        "Alice Martin is already nominated for Distinguished Engineer this cycle."
    )
    assert stored(in_window) == 1
    assert len(outbox(in_window)) == 1
    # Another track is another nomination.
    nominate_now(in_window, "U0ALICE", "innovator")
    assert stored(in_window) == 2


def test_an_unknown_or_unnamed_nominee_is_refused(in_window: Runtime) -> None:
    with pytest.raises(InvalidInput, match=r"^I don't know <@U0NOBODY> yet"):
        nominate_now(in_window, "<@U0NOBODY>")
    with pytest.raises(InvalidInput) as refused:
        nominate_now(in_window, "alice")
    assert str(refused.value) == (
        "Name the person you nominate for Distinguished Engineer as @someone (a Slack user)."
    )


def test_an_organisation_track_takes_an_organisation_slug(in_window: Runtime) -> None:
    result = nominate_now(in_window, "Acme", "partner", "Hosts every meetup.")
    assert result.nomination.nominee_key == "org:acme"
    assert result.nomination.nominee_org == "acme"
    with pytest.raises(InvalidInput) as refused:
        nominate_now(in_window, "nope", "partner", "Hosts every meetup.")
    assert str(refused.value) == "There is no organisation 'nope'; name one by its slug."
    person(in_window, "U0ALICE", "Alice Martin")
    with pytest.raises(InvalidInput, match="is for organisations: name one by its slug"):
        nominate_now(in_window, "<@U0ALICE>", "partner", "Hosts every meetup.")
