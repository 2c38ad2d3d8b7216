"""The Discourse gateway's badge calls against the stand-in forum: list, create, grant,
read back, and the refusals Discourse gives."""

from __future__ import annotations

import pytest

from bot.discourse.gateway import PydiscourseGateway
from bot.discourse.ratelimit import TokenBucket
from bot.errors import ExternalServiceError
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse


@pytest.fixture
def gateway(forum: StandinDiscourse) -> PydiscourseGateway:
    waits: list[float] = []
    return PydiscourseGateway(
        forum.url,
        API_USERNAME,
        API_KEY,
        bucket=TokenBucket(per_minute=6000, burst=100),
        sleep=waits.append,
        timeout=(2, 2),
    )


def test_a_badge_is_created_listed_and_granted_with_a_link_to_a_topic(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    assert gateway.badges() == []
    badge_id = gateway.create_badge("Distinguished Engineer", "For engineers.", 2)
    (listed,) = gateway.badges()
    assert (listed["id"], listed["name"], listed["badge_type_id"]) == (
        badge_id,
        "Distinguished Engineer",
        2,
    )
    topic_id, post_id = gateway.create_topic("Congratulations", "Well done.", 12, "dc-test")

    gateway.grant_badge("ann", badge_id, f"/t/{topic_id}")

    (create,) = forum.calls("/admin/badges.json", method="POST")
    assert create.form["description"] == ["For engineers."]
    (grant,) = forum.calls("/user_badges", method="POST")
    assert grant.form["username"] == ["ann"]
    assert grant.form["badge_id"] == [str(badge_id)]
    assert grant.form["reason"] == [f"{forum.url}/t/{topic_id}"]  # a full address on the forum
    (held,) = gateway.user_badges("ann")
    assert held["name"] == "Distinguished Engineer"
    assert forum.granted("ann")[0]["post_id"] == post_id


def test_granting_a_badge_twice_is_not_an_error_and_grants_it_once(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    badge_id = gateway.create_badge("Distinguished Advocate", "For advocates.", 1)
    gateway.grant_badge("bob", badge_id, "")
    gateway.grant_badge("bob", badge_id, "")
    assert len(forum.granted("bob")) == 1
    # An older forum refuses the second grant instead: that is a success too.
    forum.fail("/user_badges", 422, body={"errors": ["User badge has already been granted"]})
    gateway.grant_badge("bob", badge_id, "")


def test_a_second_badge_of_the_same_name_is_refused_for_good(
    gateway: PydiscourseGateway,
) -> None:
    gateway.create_badge("Distinguished Partner", "For partners.", 1)
    with pytest.raises(ExternalServiceError, match="Name has already been taken") as raised:
        gateway.create_badge("Distinguished Partner", "Again.", 1)
    assert raised.value.transient is False


def test_a_reason_outside_the_forum_and_an_unknown_user_are_refused(
    gateway: PydiscourseGateway,
) -> None:
    badge_id = gateway.create_badge("Distinguished Innovator", "For innovators.", 3)
    with pytest.raises(ExternalServiceError, match="HTTP 400") as raised:
        gateway.grant_badge("ann", badge_id, "https://community.example/distinguished")
    assert raised.value.transient is False
    with pytest.raises(ExternalServiceError, match="HTTP 404"):
        gateway.grant_badge("nobody", badge_id, "")


def test_a_rate_limited_grant_is_retried_after_the_wait_discourse_asks_for(
    forum: StandinDiscourse,
) -> None:
    waits: list[float] = []
    gateway = PydiscourseGateway(
        forum.url,
        API_USERNAME,
        API_KEY,
        bucket=TokenBucket(per_minute=6000, burst=100),
        sleep=waits.append,
        timeout=(2, 2),
    )
    badge_id = gateway.create_badge("Distinguished Engineer", "For engineers.", 1)
    forum.rate_limit("/user_badges", 7)
    gateway.grant_badge("ann", badge_id, "")
    assert waits == [7.0]
    assert len(forum.granted("ann")) == 1
