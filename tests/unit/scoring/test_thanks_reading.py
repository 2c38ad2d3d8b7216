"""What a thread reply's thanks means for the ledger (scoring.thanks_reading)."""

from __future__ import annotations

from scoring.thanks import ThanksRules, ThreadMessage
from scoring.thanks_reading import Thread, read_thanks

ASKER = "U03BQX51RT2"
HELPER = "U02ALN7QK3D"
APP = "U0FAQB0T3LM"
RULES = ThanksRules()

QUESTION = ThreadMessage(ASKER, "The LMS gives a 500 after the Redwood upgrade. Any idea?", "1.1")
ANSWER = ThreadMessage(HELPER, "Remove ENABLE_COURSEWARE_MFE from your plugin and restart.", "1.2")


def _thread() -> Thread:
    return Thread((QUESTION, ANSWER), {ASKER: QUESTION, HELPER: ANSWER})


def _unread() -> Thread:
    raise AssertionError("the thread was read although the text alone decides")


def test_a_message_outside_a_thread_thanks_nobody_and_counts_as_activity() -> None:
    reading = read_thanks(ThreadMessage(ASKER, "thanks all!", "1.9"), None, RULES, [APP])
    assert reading.verdict is None and reading.helper is None
    assert reading.detail == "activity"


def test_thanks_after_an_answer_asks_about_the_helpers_own_message() -> None:
    reply = ThreadMessage(ASKER, "that fixed it, thanks!", "1.9")
    reading = read_thanks(reply, _thread, RULES, [APP])
    assert reading.helper == HELPER
    assert reading.target == ANSWER
    assert reading.target_snippet == ANSWER.text


def test_a_reply_whose_text_says_no_is_decided_without_reading_the_thread() -> None:
    reply = ThreadMessage(ASKER, "still broken, no luck", "1.9")
    reading = read_thanks(reply, _unread, RULES, [APP])
    assert reading.helper is None
    assert reading.verdict is not None and not reading.verdict.is_thanks


def test_nobody_is_credited_for_a_thanks_to_the_app_itself() -> None:
    by_the_app = ThreadMessage(APP, ANSWER.text, "1.2")
    thread = Thread((QUESTION, by_the_app), {ASKER: QUESTION, APP: by_the_app})
    reply = ThreadMessage(ASKER, f"thanks <@{APP}>, that fixed it!", "1.9")
    assert read_thanks(reply, lambda: thread, RULES, []).helper == APP  # were it a person
    assert read_thanks(reply, lambda: thread, RULES, [APP]).helper is None
