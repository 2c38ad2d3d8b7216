"""What ``/credit forget me`` (and ``creditbot member forget``) reaches beyond the
database: an existing static export is rebuilt in the same command, the published forum
shout-out is edited to the anonymous wording through the outbox (a forum outage is
retried), and a re-rendered Slack shout-out names nobody who has hidden since.

Driven through signed requests and the CLI runner; the Slack and Discourse stand-ins
record what was sent."""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.discourse.gateway import make_discourse_gateway
from bot.jobs.shoutout import post_monthly_shoutout
from bot.outbox.worker import deliver_due
from bot.ports import DiscourseSender
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse
from tests.standins.slack_api import RESPONSE_URL, SlackApiStandIn
from tests.support.cli import CliResult
from tests.support.clock import FixedClock
from tests.support.serving import RunningApp
from tests.support.slack import payload

Cli = Callable[..., CliResult]
OCTOBER = datetime(2026, 10, 20, 15, 0, tzinfo=UTC)
NOVEMBER = datetime(2026, 11, 1, 9, 0, tzinfo=UTC)


def _credit_alice_and_bob_in_october(app: RunningApp, clock: FixedClock) -> None:
    clock.set(OCTOBER)
    app.command("<@U0ALICE|alice> code 5 fixed the build")
    app.command("<@U0BOB|bob> review", trigger_id="t-bob")
    clock.set(NOVEMBER)


def _forget_alice(app: RunningApp) -> None:
    app.command("forget me", user_id="U0ALICE")
    body = payload("block_actions_answer")
    body["user"]["id"] = "U0ALICE"
    body["container"] = {"type": "message", "message_ts": "1", "is_ephemeral": True}
    body["state"] = {"values": {}}
    body["response_url"] = app.slack_api.response_url("forget-U0ALICE")
    body["actions"] = [
        {
            "action_id": "forget_me_confirm",
            "block_id": "forget_me",
            "text": {"type": "plain_text", "text": "Erase my data"},
            "value": "U0ALICE",
            "type": "button",
            "action_ts": "1793523700.123456",
        }
    ]
    assert app.action(body).status_code == 200


def _site_text(folder: Path) -> str:
    return "\n".join(
        f.read_text(encoding="utf-8") for f in sorted(folder.rglob("*")) if f.is_file()
    )


def _forum_gateway(app: RunningApp, forum: StandinDiscourse) -> DiscourseSender:
    settings = app.runtime.settings.model_copy(
        update={
            "discourse_url": forum.url,
            "discourse_api_key": SecretStr(API_KEY),
            "discourse_api_username": API_USERNAME,
        }
    )
    return make_discourse_gateway(settings)


def _publish_october(app: RunningApp, forum: DiscourseSender | None, now: datetime) -> None:
    with app.runtime.uow() as uow:
        post_monthly_shoutout(app.runtime, "2026-10", uow)
        uow.commit()
    deliver_due(app.runtime, app.slack.gateway, forum, now)


def test_forget_me_rebuilds_an_existing_static_export_without_the_name(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock, cli: Cli, tmp_path: Path
) -> None:
    _credit_alice_and_bob_in_october(app, clock)
    site = tmp_path / "site"
    built = cli("site", "build", "--out", str(site), "--at", "2026-11-02T00:00:00Z")
    assert built.code == 0, built.err
    assert "Alice Martin" in _site_text(site) and "Bob Chen" in _site_text(site)

    _forget_alice(app)

    assert slack_api.calls_to(RESPONSE_URL)[-1]["text"].startswith("Done: I erased your name")
    text = _site_text(site)
    assert "Alice" not in text and "U0ALICE" not in text
    assert "Bob Chen" in text  # the rest of the site is still there


def test_member_forget_rebuilds_the_static_export_in_the_same_command(
    app: RunningApp, clock: FixedClock, cli: Cli, tmp_path: Path
) -> None:
    _credit_alice_and_bob_in_october(app, clock)
    site = tmp_path / "site"
    assert cli("site", "build", "--out", str(site)).code == 0
    assert "Alice Martin" in _site_text(site)

    result = cli("member", "forget", "U0ALICE")

    assert result.code == 0, result.err
    assert f"rebuilt the static export in {site.resolve()}" in result.out
    assert "Alice" not in _site_text(site)


def test_forget_me_edits_the_published_forum_shout_out_and_retries_through_an_outage(
    app: RunningApp, clock: FixedClock, forum: StandinDiscourse
) -> None:
    _credit_alice_and_bob_in_october(app, clock)
    gateway = _forum_gateway(app, forum)
    _publish_october(app, gateway, clock.now)
    (topic,) = [t for t in forum.topics.values() if t.external_id == "creditbot-shoutout-2026-10"]
    assert "Alice Martin" in topic.raw

    forum.go_down()
    _forget_alice(app)
    failed = deliver_due(app.runtime, None, gateway, clock.now)
    forum.come_back()

    (waiting,) = failed.retrying
    assert waiting.key.endswith(":shoutout-forum:2026-10") and not forum.edits
    retried = deliver_due(app.runtime, None, gateway, waiting.next_attempt_at)
    assert [d.key for d in retried.sent] == [waiting.key]
    (edit,) = forum.edits
    assert edit["post_id"] == topic.post_ids[0]
    assert edit["edit_reason"] == "a member asked to be forgotten"
    assert "Alice" not in edit["raw"] and "a former member" in edit["raw"]
    assert "Bob Chen" in edit["raw"]
    assert "Alice" not in topic.raw


@pytest.mark.usefixtures("forum")
def test_a_re_rendered_shout_out_does_not_name_someone_who_has_hidden_since(
    app: RunningApp, slack_api: SlackApiStandIn, clock: FixedClock
) -> None:
    _credit_alice_and_bob_in_october(app, clock)
    _publish_october(app, None, clock.now)
    (shout,) = slack_api.posts_to("C01SHOUT")
    assert "U0BOB" in str(shout) and "Bob Chen" in str(shout)

    app.command("hide me", user_id="U0BOB")
    _forget_alice(app)

    (update,) = slack_api.calls_to("chat.update")
    assert "a former member" in str(update)
    for named in ("Alice", "U0ALICE", "Bob", "U0BOB"):
        assert named not in str(update), named
