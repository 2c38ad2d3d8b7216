"""The person who thanked someone asks to be forgotten: the question to the team leads
quoted their words and named them ("Why I ask: <@U0DMITRI> wrote ..."); the question in
the review channel loses that line, and keeps its buttons while it is open."""

from __future__ import annotations

from tests.scenario.slack.test_export_and_erasure import _button
from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import add_help_thread, thank_alice_event

WORDS = "thanks <@U0ALICE>, that fixed it! The staging password was hunter2"


def test_a_thankers_erasure_takes_their_words_and_name_out_of_the_open_question(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    add_help_thread(slack_api)
    app.event(thank_alice_event(text=WORDS))
    (question,) = slack_api.posts_to("C01REVIEW")
    assert "hunter2" in str(question) and "U0DMITRI" in str(question)
    with app.runtime.reader() as uow:
        (asked,) = uow.suggestions.open()
        posted = uow.outbox.by_key(f"question:{asked.channel}:{asked.message_ts}")
    assert posted is not None and posted.sent_ref

    app.command("forget me", user_id="U0DMITRI")
    _button(app, "U0DMITRI", "forget_me_confirm", "U0DMITRI")

    (update,) = [u for u in slack_api.calls_to("chat.update") if u["channel"] == "C01REVIEW"]
    assert update["ts"] == posted.sent_ref
    assert "hunter2" not in str(update) and "U0DMITRI" not in str(update)
    assert "Yes, credit it" in str(update["blocks"])  # still open: the leads can answer
    assert "U0ALICE" in str(update)  # whose message it is stays
