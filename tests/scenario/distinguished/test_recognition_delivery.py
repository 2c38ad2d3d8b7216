"""A decided cycle reaches Slack and the forum through the outbox: one announcement post,
one topic, and each approved member's badge, created once on the forum and granted with
the announcement topic as its reason."""

from __future__ import annotations

from datetime import timedelta

from bot.gateways import Gateways
from bot.runtime import Runtime
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.builders.recognition import DECIDED_AT, decide_2026
from tests.support.clock import FixedClock
from tests.support.delivery import deliver


def _texts(post: dict[str, object]) -> str:
    blocks = post["blocks"]
    assert isinstance(blocks, list)
    return "\n".join(b["text"]["text"] for b in blocks if b["type"] in ("section", "header"))


def _topic(forum: StandinDiscourse) -> int:
    (topic,) = [t for t in forum.topics.values() if t.external_id == "creditbot-dc-2026"]
    return topic.id


def test_the_new_members_are_announced_in_slack_by_track(
    wired: Runtime, clock: FixedClock, slack: SlackApiStandIn, gateways: Gateways
) -> None:
    keys = decide_2026(wired, clock)
    assert "dc:announce:slack:2026" in keys
    deliver(wired, gateways, clock.now)

    (post,) = slack.posts_to("C0NEWS")
    text = _texts(post)
    assert ":trophy: Distinguished Contributors 2026" in text
    assert "*5 new Distinguished Contributors*" in text
    assert (
        "*Distinguished Engineer*\n• <@U0ANN> · Acme Learning\n• <@U0BOB> · Beta Pedagogy" in text
    )
    assert "*Distinguished Advocate*\n• <@U0CY>" in text
    assert "*Distinguished Partner*\n• *Acme Learning*" in text
    assert "1 more member who prefers not to be named publicly" in text
    assert "U0DEE" not in str(post) and "Dee" not in str(post)
    assert "U0ELI" not in str(post) and "Eli" not in str(post)  # declined
    assert post["text"] == (
        "Distinguished Contributors 2026: congratulations to Ann Archer (Distinguished "
        "Engineer), Bob Baker (Distinguished Engineer), Cy Cole (Distinguished Advocate), "
        "Acme Learning (Distinguished Partner) and 1 more member!"
    )


def test_the_announcement_topic_mentions_forum_users_and_is_posted_once(
    wired: Runtime, clock: FixedClock, forum: StandinDiscourse, gateways: Gateways
) -> None:
    decide_2026(wired, clock)
    deliver(wired, gateways, clock.now)

    (create,) = [c for c in forum.calls("/posts", method="POST") if "title" in c.form]
    assert create.form["title"] == ["Distinguished Contributors 2026: congratulations!"]
    assert create.form["category"] == ["12"]
    assert create.form["external_id"] == ["creditbot-dc-2026"]
    raw = create.form["raw"][0]
    assert "### Distinguished Engineer\n\n- @ann (Acme Learning)\n- @bob (Beta Pedagogy)" in raw
    assert "### Distinguished Advocate\n\n- Cy Cole\n" in raw
    assert "### Distinguished Partner\n\n- **Acme Learning**" in raw
    assert "@dee" not in raw and "@eli" not in raw

    # Deciding again queues nothing new, and the worker posts nothing more.
    from bot.services.distinguished.cycle import decide_cycle

    with wired.uow() as uow:
        again = decide_cycle(uow, wired.config, 2026, clock.now)
        uow.commit()
    assert again.outbox_keys == ()
    assert deliver(wired, gateways, clock.now).nothing_done
    assert len([c for c in forum.calls("/posts", method="POST") if "title" in c.form]) == 1


def test_each_member_with_a_forum_account_gets_the_badge_created_once_with_the_topic_as_reason(
    wired: Runtime, clock: FixedClock, forum: StandinDiscourse, gateways: Gateways
) -> None:
    decide_2026(wired, clock)
    result = deliver(wired, gateways, clock.now)
    assert {d.key for d in result.sent} >= {
        "dc:badge:engineer:member:1",
        "dc:badge:engineer:member:2",
        "dc:badge:innovator:member:4",
    }

    created = forum.calls("/admin/badges.json", method="POST")
    assert sorted(c.form["name"][0] for c in created) == [
        "Distinguished Engineer",
        "Distinguished Innovator",
    ]  # the engineers share one badge; Cy (no forum account) and Acme get none
    engineer = next(b for b in forum.badges.values() if b["name"] == "Distinguished Engineer")
    assert engineer["badge_type_id"] == 1 and engineer["allow_title"] is True
    assert "Testland review panel" in engineer["description"]

    topic = _topic(forum)
    first_post = forum.topics[topic].post_ids[0]
    for username in ("ann", "bob"):
        (granted,) = forum.granted(username)
        assert granted["badge_id"] == engineer["id"]
        assert granted["reason"] == f"{forum.url}/t/{topic}"
        assert granted["post_id"] == first_post  # the badge links to the announcement
    assert forum.granted("eli") == []  # declined
    with wired.reader() as uow:
        assert uow.distinguished.badge_id("engineer") == engineer["id"]


def test_a_failed_grant_is_retried_without_creating_the_badge_again(
    wired: Runtime, clock: FixedClock, forum: StandinDiscourse, gateways: Gateways
) -> None:
    decide_2026(wired, clock)
    forum.fail("/user_badges", 500, times=1, body={"errors": ["boom"]})
    first = deliver(wired, gateways, clock.now)
    assert [u.key for u in first.retrying] == ["dc:badge:engineer:member:1"]

    clock.set(DECIDED_AT + timedelta(minutes=10))
    second = deliver(wired, gateways, clock.now)
    assert [d.key for d in second.sent] == ["dc:badge:engineer:member:1"]

    names = [c.form["name"][0] for c in forum.calls("/admin/badges.json", method="POST")]
    assert names.count("Distinguished Engineer") == 1
    assert len([b for b in forum.badges.values() if b["name"] == "Distinguished Engineer"]) == 1
    assert len(forum.granted("ann")) == 1 and len(forum.granted("bob")) == 1


def test_a_badge_already_on_the_forum_is_found_by_name_and_a_second_grant_is_no_error(
    wired: Runtime, clock: FixedClock, forum: StandinDiscourse, gateways: Gateways
) -> None:
    # An earlier try created the badge and granted Ann, but its answers were lost.
    assert gateways.discourse is not None
    badge_id = gateways.discourse.create_badge("Distinguished Engineer", "made earlier", 1)  # type: ignore[attr-defined]
    gateways.discourse.grant_badge("ann", badge_id, "")  # type: ignore[attr-defined]
    decide_2026(wired, clock)
    result = deliver(wired, gateways, clock.now)
    assert "dc:badge:engineer:member:1" in {d.key for d in result.sent}

    created = [c.form["name"][0] for c in forum.calls("/admin/badges.json", method="POST")]
    assert created.count("Distinguished Engineer") == 1  # only the earlier one
    assert [g["badge_id"] for g in forum.granted("ann")] == [badge_id]
    assert [g["badge_id"] for g in forum.granted("bob")] == [badge_id]


def test_a_badge_waits_for_its_announcement_topic_and_then_links_to_it(
    wired: Runtime, clock: FixedClock, forum: StandinDiscourse, gateways: Gateways
) -> None:
    decide_2026(wired, clock)
    forum.fail("/posts", 502, times=1, body={"errors": ["bad gateway"]})
    first = deliver(wired, gateways, clock.now)
    waiting = {u.key for u in first.retrying}
    assert "dc:announce:discourse:2026" in waiting
    assert "dc:badge:engineer:member:1" in waiting
    assert forum.user_badges == []

    clock.set(DECIDED_AT + timedelta(hours=1))
    deliver(wired, gateways, clock.now)
    topic = _topic(forum)
    assert [g["reason"] for g in forum.granted("ann")] == [f"{forum.url}/t/{topic}"]
    with wired.reader() as uow:
        assert {m.status for m in uow.outbox.list()} == {"sent"}
