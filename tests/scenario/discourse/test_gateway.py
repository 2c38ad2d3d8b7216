"""The Discourse gateway against the loopback stand-in: pydiscourse's habits tamed."""

from __future__ import annotations

import pytest

from bot.config import Settings
from bot.discourse.gateway import PydiscourseGateway, make_discourse_gateway
from bot.discourse.ratelimit import TokenBucket
from bot.errors import ExternalServiceError, MissingSetting
from tests.standins.discourse_api import API_KEY, API_USERNAME, StandinDiscourse


class Sleeps:
    """A fake ``sleep`` that remembers what it was asked to wait."""

    def __init__(self) -> None:
        self.waits: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.waits.append(seconds)


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def gateway(forum: StandinDiscourse, sleeps: Sleeps) -> PydiscourseGateway:
    forum.add_user("marco", "marco@gmail.com", user_id=63, name="Marco Rossi")
    # a bucket that never has to wait, so the sleeps seen are the 429 waits only
    bucket = TokenBucket(per_minute=6000, burst=100, sleep=sleeps)
    return PydiscourseGateway(
        forum.url, API_USERNAME, API_KEY, bucket=bucket, sleep=sleeps, timeout=(2, 2)
    )


def test_the_gateway_from_settings_always_has_a_timeout(forum: StandinDiscourse) -> None:
    settings = Settings(
        discourse_url=forum.url,
        discourse_api_key=API_KEY,  # type: ignore[arg-type]
        discourse_api_username=API_USERNAME,
    )
    assert make_discourse_gateway(settings).timeout


def test_a_missing_setting_is_named_in_one_clear_line() -> None:
    with pytest.raises(MissingSetting, match="DISCOURSE_URL is not set"):
        make_discourse_gateway(Settings(discourse_url=None))


def test_a_forum_slower_than_the_timeout_is_a_transient_error(
    forum: StandinDiscourse, sleeps: Sleeps
) -> None:
    forum.add_user("marco", "marco@gmail.com", user_id=63)
    forum.delay("/emails.json", 1.0)
    impatient = PydiscourseGateway(forum.url, API_USERNAME, API_KEY, timeout=(1, 0.2))

    with pytest.raises(ExternalServiceError, match="did not answer in time") as raised:
        impatient.user_email("marco")
    assert raised.value.transient


def test_a_429_with_retry_after_is_waited_out_by_us_and_then_retried(
    gateway: PydiscourseGateway, forum: StandinDiscourse, sleeps: Sleeps
) -> None:
    forum.rate_limit("/emails.json", wait=7, via="header")

    assert gateway.user_email("marco") == "marco@gmail.com"
    assert sleeps.waits == [7.0]
    assert len(forum.calls("/emails.json")) == 2


def test_a_429_that_only_says_wait_seconds_in_its_body_is_honoured(
    gateway: PydiscourseGateway, forum: StandinDiscourse, sleeps: Sleeps
) -> None:
    forum.rate_limit("/emails.json", wait=3, via="body")

    assert gateway.user_email("marco") == "marco@gmail.com"
    assert sleeps.waits == [3.0]


def test_pydiscourse_never_sleeps_on_a_429_we_stop_after_our_own_retries(
    gateway: PydiscourseGateway, forum: StandinDiscourse, sleeps: Sleeps
) -> None:
    forum.rate_limit("/emails.json", wait=1, times=10)

    with pytest.raises(ExternalServiceError, match="rate limited") as raised:
        gateway.user_email("marco")

    # pydiscourse alone would have slept and tried four times; we try three, sleeping twice
    assert len(forum.calls("/emails.json")) == 3
    assert sleeps.waits == [1.0, 1.0]
    assert raised.value.transient and raised.value.retry_after == 1.0


def test_a_429_longer_than_we_may_wait_is_handed_back_with_its_wait(
    gateway: PydiscourseGateway, forum: StandinDiscourse, sleeps: Sleeps
) -> None:
    forum.rate_limit("/emails.json", wait=600)

    with pytest.raises(ExternalServiceError) as raised:
        gateway.user_email("marco")

    assert raised.value.retry_after == 600.0
    assert sleeps.waits == []


def test_a_server_error_is_transient_and_a_refusal_is_not(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    forum.fail("/emails.json", 500, body={"errors": ["boom"]})
    with pytest.raises(ExternalServiceError) as server_error:
        gateway.user_email("marco")
    forum.fail("/emails.json", 403, body={"errors": ["You are not permitted"]})
    with pytest.raises(ExternalServiceError) as refusal:
        gateway.user_email("marco")

    assert server_error.value.transient
    assert not refusal.value.transient


def test_a_response_without_content_type_is_an_error_not_a_key_error(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    forum.fail("/emails.json", 200, body={"email": "marco@gmail.com"}, content_type=None)

    with pytest.raises(ExternalServiceError, match="Content-Type"):
        gateway.user_email("marco")


def test_an_unreachable_forum_is_a_transient_error(sleeps: Sleeps) -> None:
    standin = StandinDiscourse().start()
    url = standin.url
    standin.stop()
    gateway = PydiscourseGateway(url, API_USERNAME, API_KEY, sleep=sleeps, timeout=(1, 1))

    with pytest.raises(ExternalServiceError, match="cannot be reached") as raised:
        gateway.user_email("marco")
    assert raised.value.transient


def test_an_unknown_user_has_no_email(gateway: PydiscourseGateway) -> None:
    assert gateway.user_email("nobody") is None


def test_user_returns_the_user_object(gateway: PydiscourseGateway) -> None:
    assert gateway.user("marco")["id"] == 63


def test_a_topic_with_an_external_id_is_created_once(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    first = gateway.create_topic(
        "Thank you, October!", "**Top contributors**", 5, "creditbot-shoutout-2026-10"
    )
    again = gateway.create_topic(
        "Thank you, October!", "**Top contributors**", 5, "creditbot-shoutout-2026-10"
    )

    assert first == again
    assert gateway.find_topic("creditbot-shoutout-2026-10") == first[0]
    assert gateway.find_topic("creditbot-shoutout-2026-11") is None
    (created,) = forum.calls("/posts", method="POST")
    assert created.form["category"] == ["5"]
    assert created.form["external_id"] == ["creditbot-shoutout-2026-10"]
    assert created.form["title"] == ["Thank you, October!"]


def test_a_private_message_goes_to_its_recipients_as_a_private_message(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    forum.add_user("esther_o", "esther@beta.example", user_id=57)  # Discourse needs known users
    topic_id = gateway.send_private_message(["marco", "esther_o"], "Your standing", "Hello")

    (sent,) = forum.calls("/posts", method="POST")
    assert sent.form["archetype"] == ["private_message"]
    assert sent.form["target_recipients"] == ["marco,esther_o"]
    assert forum.topics[topic_id].archetype == "private_message"
    assert forum.private_messages("esther_o") == [("Your standing", "Hello")]


def test_a_private_message_to_an_unknown_user_is_refused_as_discourse_does(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    with pytest.raises(ExternalServiceError, match="could not be found: nobody"):
        gateway.send_private_message(["marco", "nobody"], "Your standing", "Hello")
    assert not any(t.archetype == "private_message" for t in forum.topics.values())


def test_an_external_id_discourse_would_refuse_is_refused_before_any_request(
    gateway: PydiscourseGateway, forum: StandinDiscourse
) -> None:
    with pytest.raises(ValueError, match="external id"):
        gateway.create_topic("Shout-out", "text", 5, "shoutout:2026-10")
    assert forum.requests == []


def test_a_gateway_that_must_not_wait_refuses_a_call_over_the_budget_instead_of_sleeping(
    forum: StandinDiscourse, sleeps: Sleeps
) -> None:
    # The webhook's gateway (bot.discourse.webhook): its threads never sleep for the
    # rate limit; the event waits for the retry job instead.
    forum.add_user("marco", "marco@gmail.com", user_id=63)
    bucket = TokenBucket(per_minute=60, burst=1, sleep=sleeps)
    gateway = PydiscourseGateway(
        forum.url, API_USERNAME, API_KEY, bucket=bucket, sleep=sleeps, never_wait=True
    )
    assert gateway.user_email("marco") == "marco@gmail.com"
    with pytest.raises(ExternalServiceError, match="request budget") as refused:
        gateway.user_email("marco")
    assert refused.value.transient
    assert 0 < (refused.value.retry_after or 0) <= 1.0
    assert sleeps.waits == []
    forum.rate_limit("/u/", 7)  # the forum's own 429 is not waited for either
    bucket_later = TokenBucket(per_minute=6000, burst=100, sleep=sleeps)
    hurried = PydiscourseGateway(
        forum.url, API_USERNAME, API_KEY, bucket=bucket_later, sleep=sleeps, never_wait=True
    )
    with pytest.raises(ExternalServiceError, match="rate limited"):
        hurried.user_email("marco")
    assert sleeps.waits == []
