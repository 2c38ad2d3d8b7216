"""People in control: hiding from public listings, and team leads revoking a credit.

Every command goes through a signed request to /slack/events; what people see is read
from the Slack stand-in (the private replies, the DMs) and from the public pages.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.jobs.shoutout import post_monthly_shoutout
from bot.outbox.worker import deliver_due
from bot.services.people.notices import BATCH
from scoring.models import Identity, IdentityKind
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.stored import stored

OCTOBER = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _last_reply(slack_api: SlackApiStandIn) -> str:
    return str(slack_api.calls_to(RESPONSE_URL)[-1]["text"])


def _credit_in_october(app: RunningApp, clock: FixedClock, text: str) -> None:
    clock.set(OCTOBER)
    app.command(text)
    clock.set(NOVEMBER)


def _credit_ids(app: RunningApp, slack_id: str) -> list[int]:
    with app.runtime.reader() as uow:
        member = uow.members.find(Identity(IdentityKind.SLACK, slack_id))
        assert member is not None
        return [c.id for c in uow.credits.for_member(member.id) if c.id is not None]


def test_a_hidden_member_is_counted_but_never_named_in_public(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    _credit_in_october(app, clock, "<@U0ALICE|alice> code 5 fixed the build")
    _credit_in_october(app, clock, "<@U0BOB|bob> review")

    app.command("hide me", user_id="U0ALICE")

    assert _last_reply(slack_api).startswith("Done: your name is left out of shout-outs")
    page = app.http.get("/reports/2026-10").text
    assert "Alice" not in page and "Bob Chen" in page
    api = app.http.get("/api/reports/2026-10").json()
    assert "Alice" not in str(api)
    acme = app.http.get("/api/partners/acme").json()
    assert "Alice" not in str(acme)
    with app.runtime.uow() as uow:
        post_monthly_shoutout(app.runtime, "2026-10", uow)
        uow.commit()
    app.slack.services.deliver([m.key for m in _pending(app)])
    (shout,) = slack_api.posts_to("C01SHOUT")
    assert "Alice" not in str(shout) and "U0ALICE" not in str(shout)
    assert "Acme Learning" in str(shout) and "Bob" in str(shout)
    # Both are new contributors: the shout-out welcomes Bob by name, never Alice.
    assert "Welcome, Bob Chen and 1 more!" in str(shout)


def test_a_hidden_member_can_show_themselves_again(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    _credit_in_october(app, clock, "<@U0ALICE|alice> code 5 fixed the build")
    app.command("hide me", user_id="U0ALICE")
    app.command("show me", user_id="U0ALICE")

    assert _last_reply(slack_api).startswith("Done: your name appears in shout-outs")
    assert "Alice Martin" in app.http.get("/reports/2026-10").text


def test_hiding_someone_else_is_refused_and_changes_nothing(app: RunningApp) -> None:
    app.command("<@U0ALICE|alice> code")
    before = stored(app.runtime)

    answer = app.command("hide <@U0ALICE|alice>", user_id="U0BOB").json()

    assert answer["response_type"] == "ephemeral"
    assert answer["text"].startswith("You can only hide your own record: write `/credit hide me`")
    assert stored(app.runtime) == before
    with app.runtime.reader() as uow:
        alice = uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE"))
        assert alice is not None and alice.show_publicly


def test_a_team_lead_revokes_a_credit_and_the_member_is_told_privately(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    (credit_id,) = _credit_ids(app, "U0ALICE")
    slack_api.clear()

    app.command(f"revoke {credit_id} counted twice", user_id="U02LEAD")

    assert _last_reply(slack_api) == (
        f"Revoked credit {credit_id}: 5 points (code) of <@U0ALICE> on 2026-11-01. "
        "Reason: counted twice. They are told privately."
    )
    # The credit's own notice was still waiting (a few minutes): it is never sent, so
    # the only DM is the withdrawal.
    clock.set(clock.now + BATCH + timedelta(seconds=1))
    deliver_due(app.runtime, app.slack.gateway, None, clock.now)
    (dm,) = slack_api.posts_to("D0ALICE")
    assert "withdrew one of your credits" in dm["text"] and "counted twice" in dm["text"]
    assert _credit_ids(app, "U0ALICE") == []
    with app.runtime.reader() as uow:
        (kept,) = uow.credits.for_member(
            uow.members.find(Identity(IdentityKind.SLACK, "U0ALICE")).id,  # type: ignore[union-attr]
            include_withdrawn=True,
        )
    assert kept.withdrawn  # the withdrawal stays on record


def test_a_credit_revoked_while_its_batched_notice_waits_is_left_out_of_that_notice(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    clock.set(clock.now + timedelta(minutes=1))  # within the batch: one notice
    app.command("<@U0ALICE|alice> docs 2 wrote the install guide", trigger_id="13345224609.2")
    wrong, kept = _credit_ids(app, "U0ALICE")

    app.command(f"revoke {wrong} counted twice", user_id="U02LEAD")
    clock.set(clock.now + BATCH + timedelta(seconds=1))
    deliver_due(app.runtime, app.slack.gateway, None, clock.now)

    told, withdrawn = slack_api.posts_to("D0ALICE")
    assert told["text"].startswith("2 points (docs) for wrote the install guide")
    assert "fixed the build" not in told["text"] and "5 points" not in told["text"]
    assert "/credit quiet credits" in told["text"]  # still her first notice
    assert f"(credit {wrong})" in withdrawn["text"]
    assert _credit_ids(app, "U0ALICE") == [kept]


def test_a_revoke_that_cannot_be_done_says_why_and_changes_nothing(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 5")
    app.command("<@U02LEAD|leo> docs", user_id="U01LEAD")
    (alice_credit,) = _credit_ids(app, "U0ALICE")
    (leo_credit,) = _credit_ids(app, "U02LEAD")
    before = stored(app.runtime)

    refused = app.command(f"revoke {alice_credit} wrong", user_id="U0BOB").json()["text"]
    assert refused.startswith("Only team leads can revoke credits; nothing was changed.")
    missing = app.command(f"revoke {alice_credit}").json()["text"]
    assert missing.startswith(f"Say why credit {alice_credit} is revoked")
    app.command("revoke 999 no such thing")
    assert _last_reply(slack_api).startswith("Nothing was revoked: there is no credit 999")
    app.command(f"revoke {leo_credit} mine", user_id="U02LEAD")
    assert _last_reply(slack_api).startswith(
        f"Nothing was revoked: credit {leo_credit} is your own: ask another team lead"
    )
    assert stored(app.runtime) == before
    assert _credit_ids(app, "U0ALICE") == [alice_credit]


def test_credit_ids_are_shown_in_credit_me(app: RunningApp, slack_api: SlackApiStandIn) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    (credit_id,) = _credit_ids(app, "U0ALICE")

    app.command("me", user_id="U0ALICE")

    assert f"code, 5 points (credit {credit_id}): fixed the build" in _last_reply(slack_api)


def test_credit_me_lists_a_revoked_credit_as_withdrawn_outside_the_totals(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    clock.set(clock.now + timedelta(minutes=1))
    app.command("<@U0ALICE|alice> docs 2 wrote the install guide", trigger_id="13345224609.2")
    wrong, kept = _credit_ids(app, "U0ALICE")
    app.command(f"revoke {wrong} counted twice <!channel>", user_id="U02LEAD")

    app.command("me", user_id="U0ALICE")

    shown = _last_reply(slack_api)
    assert "*All time:* 2 points from 1 credit" in shown
    assert f"docs, 2 points (credit {kept}): wrote the install guide" in shown
    withdrawn = shown.split("*Withdrawn (not counted):*\n")[1]
    assert withdrawn == (
        f"• 2026-11-01 code, 5 points (credit {wrong}), withdrawn 2026-11-01: "
        "counted twice &lt;!channel&gt;"
    )


def test_credit_me_shows_a_withdrawal_when_no_credit_is_left(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    (credit_id,) = _credit_ids(app, "U0ALICE")
    app.command(f"revoke {credit_id} not a contribution", user_id="U02LEAD")

    app.command("me", user_id="U0ALICE")

    shown = _last_reply(slack_api)
    assert shown.startswith("You have no credits yet.")
    assert f"(credit {credit_id}), withdrawn 2026-11-01: not a contribution" in shown


def _pending(app: RunningApp) -> list[object]:
    with app.runtime.reader() as uow:
        return list(uow.outbox.list(["pending"]))
