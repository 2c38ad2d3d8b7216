from __future__ import annotations

from dataclasses import replace

import pytest

from bench.thanks_quality import evaluate, evaluation_rules, load_cases
from scoring.slack_text import tokenise
from scoring.thanks import (
    ThanksRules,
    ThreadMessage,
    detect_thanks,
    merge_terms,
    verdict_from_text,
)

ASKER = "U03BQX51RT2"
HELPER = "U02ALN7QK3D"
OTHER = "U01CR8ZM4PL"
BOT = "U0FAQB0T3LM"
RULES = ThanksRules()


def _thread(*authors: str, bots: tuple[str, ...] = ()) -> list[ThreadMessage]:
    return [
        ThreadMessage(user, f"message {i} of the thread", f"1767312000.{i:06d}", user in bots)
        for i, user in enumerate(authors)
    ]


def _answered() -> list[ThreadMessage]:
    return [
        ThreadMessage(ASKER, "The LMS gives a 500 after the Redwood upgrade. Any idea?", "1.1"),
        ThreadMessage(HELPER, "Remove ENABLE_COURSEWARE_MFE from your plugin and restart.", "1.2"),
    ]


def _helper_of(text: str, earlier: list[ThreadMessage] | None = None, rules: ThanksRules = RULES):
    message = ThreadMessage(ASKER, text, "1.9")
    return detect_thanks(message, _answered() if earlier is None else earlier, rules).helper


@pytest.mark.parametrize(
    "text",
    [
        "thanks!",
        "Thank you!!",
        "THX",
        "ty",
        "thank u",
        "Thaaanks",
        "many thanks",
        "much appreciated",
        "appreciate it",
        "cheers",
        "that fixed it",
        "That worked :tada:",
        "did the trick",
        "solved!",
        "You're a lifesaver",
        ":pray:",
        "🙏🏽",
        ":pray::skin-tone-3:",
        ":thank-you:",
    ],
)
def test_every_common_phrasing_of_thanks_credits_the_person_who_answered(text: str) -> None:
    assert _helper_of(text) == HELPER


def test_a_thank_you_names_the_helper_and_quotes_the_message_in_its_reason() -> None:
    verdict = detect_thanks(
        ThreadMessage(ASKER, "thanks, that fixed it", "1.9"), _answered(), RULES
    )
    assert verdict.is_thanks and verdict.helper == HELPER
    assert verdict.reason == (
        f'<@{ASKER}> said "thanks, that fixed it", replying to <@{HELPER}>\'s answer, '
        "the latest in the thread."
    )


def test_an_ordinary_reply_is_not_a_thank_you_and_says_so() -> None:
    verdict = detect_thanks(
        ThreadMessage(ASKER, "Let me check, one sec", "1.9"), _answered(), RULES
    )
    assert not verdict.is_thanks and verdict.helper is None
    assert "does not thank anyone" in verdict.reason


def test_the_mentioned_user_is_credited_rather_than_the_latest_author() -> None:
    earlier = _thread(ASKER, HELPER, OTHER)
    assert _helper_of(f"thanks <@{HELPER}>!", earlier) == HELPER
    assert _helper_of(f"<@{HELPER}|alice> thank you", earlier) == HELPER


def test_a_mention_after_cc_is_a_copy_not_the_person_thanked() -> None:
    earlier = _thread(ASKER, HELPER)
    assert _helper_of(f"thanks! cc <@{OTHER}>", earlier) == HELPER


def test_of_several_mentions_the_one_nearest_the_thanks_is_credited() -> None:
    earlier = _thread(ASKER, HELPER, OTHER)
    text = f"<@{OTHER}> see the answer above. Thanks <@{HELPER}>!"
    assert _helper_of(text, earlier) == HELPER


def test_without_a_mention_the_latest_author_other_than_the_thanker_is_credited() -> None:
    earlier = _thread(ASKER, OTHER, HELPER, ASKER, ASKER)
    assert _helper_of("thanks, that worked", earlier) == HELPER


def test_thanking_the_author_of_the_parent_message_credits_them() -> None:
    psa = [ThreadMessage(HELPER, "PSA: rebuild the openedx image after upgrading.", "1.1")]
    assert _helper_of("thanks for the heads-up!", psa) == HELPER


def test_nobody_is_credited_for_thanks_in_a_thread_only_the_thanker_wrote() -> None:
    verdict = detect_thanks(ThreadMessage(ASKER, "Solved! Thanks", "1.9"), _thread(ASKER), RULES)
    assert verdict.helper is None and "nobody else" in verdict.reason
    assert _helper_of("thanks!", []) is None


def test_thanking_yourself_by_mention_credits_nobody() -> None:
    verdict = detect_thanks(ThreadMessage(ASKER, f"thanks <@{ASKER}>", "1.9"), _answered(), RULES)
    assert verdict.helper is None and "themselves" in verdict.reason


def test_a_bot_is_never_credited_whether_it_answered_or_is_mentioned() -> None:
    earlier = _thread(ASKER, BOT, bots=(BOT,))
    answered_by_bot = detect_thanks(
        ThreadMessage(ASKER, "thanks, that worked", "1.9"), earlier, RULES
    )
    assert answered_by_bot.helper is None and "a bot" in answered_by_bot.reason
    assert _helper_of(f"thanks <@{BOT}>!", earlier) is None


def test_a_bots_own_message_never_thanks_anyone() -> None:
    message = ThreadMessage(BOT, "Thanks for your contribution!", "1.9", is_bot=True)
    assert detect_thanks(message, _answered(), RULES).helper is None


@pytest.mark.parametrize(
    "text",
    [
        "thanks in advance, how do I find which plugin sets it?",
        "thanks! but why does `tutor config save` not remove it?",
        "Can course staff also edit the dates? thanks",
        "thank you! where is the .env though?",
    ],
)
def test_a_question_with_thanks_is_not_a_thank_you(text: str) -> None:
    assert _helper_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "Thanks. Does anyone know if there is a way to do it for all courses",
        "ty! can learners see that their attempt was reset?",
        "Perfect, thanks Ana. Can course staff also see the dashboard?",
    ],
)
def test_thanks_for_the_answer_then_a_new_question_credits_the_helper(text: str) -> None:
    assert _helper_of(text) == HELPER


def test_news_that_the_help_worked_outweighs_a_follow_up_question_in_another_sentence() -> None:
    assert _helper_of("That fixed it! Why isn't that the default though?") == HELPER


def test_a_question_about_whether_something_worked_is_not_news_that_it_did() -> None:
    assert _helper_of("Has that worked for anyone on Mautic 5.1?") is None


@pytest.mark.parametrize(
    "text",
    [
        "Could someone help me with bounce management? Thanks",
        "can someone please review mautic/mautic#13501, thanks!",
        "Any help would be greatly appreciated.",
        "Looking for help with LTI 1.3, TIA",
    ],
)
def test_politeness_in_a_request_or_thanks_in_advance_is_not_a_thank_you(text: str) -> None:
    assert _helper_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "thanks for nothing",
        "Gee, thanks.",
        "thanks a lot for breaking devstack again /s",
        "thanks :roll_eyes:",
        "Great, thanks 🙄",
        "No thanks, we'll stay on SMTP.",
    ],
)
def test_sarcasm_and_refusals_are_not_thank_yous(text: str) -> None:
    assert _helper_of(text) is None


@pytest.mark.parametrize(
    "text",
    ["Hi all, thanks", "Thanks all, have a great weekend!", "Good morning folks, thank you"],
)
def test_a_greeting_or_sign_off_alone_is_not_a_thank_you(text: str) -> None:
    assert _helper_of(text) is None


def test_a_greeting_to_a_named_person_with_thanks_is_a_thank_you() -> None:
    assert _helper_of(f"Hi <@{HELPER}>, thanks!") == HELPER
    assert _helper_of("hey, thanks!") == HELPER


@pytest.mark.parametrize(
    "text",
    ["thanks for the warm welcome!", "Thanks for your patience"],
)
def test_courtesies_are_not_thanks_for_help(text: str) -> None:
    assert _helper_of(text) is None


@pytest.mark.parametrize(
    "text",
    [
        "that didn't work, thanks anyway",
        "Thanks, but I still get the same KeyError",
        "Thanks, that hasn't fixed it unfortunately",
        "thx but rebuilding didnt help",
        "tried it, no luck. thanks though",
    ],
)
def test_thanks_for_help_that_did_not_work_is_not_suggested(text: str) -> None:
    assert _helper_of(text) is None


@pytest.mark.parametrize(
    "text", ["You're welcome, glad it worked!", "np!", "Hope this helps, cheers"]
)
def test_the_helpers_answer_to_a_thank_you_is_not_one(text: str) -> None:
    assert _helper_of(text) is None


@pytest.mark.parametrize(
    "text", ["Never mind, found it myself. Thanks anyway", "nvm, figured it out, thanks"]
)
def test_solving_it_alone_credits_nobody(text: str) -> None:
    assert _helper_of(text) is None


def test_cheers_counts_only_in_a_short_message() -> None:
    assert _helper_of("Cheers mate") == HELPER
    long_sign_off = "Rebuild the image with no cache and restart the platform afterwards. Cheers"
    assert _helper_of(long_sign_off) is None


def test_a_message_longer_than_the_limit_is_not_a_thank_you() -> None:
    text = "Thanks! " + "We then changed one more setting and restarted. " * 20
    verdict = detect_thanks(ThreadMessage(ASKER, text, "1.9"), _answered(), RULES)
    assert verdict.helper is None and "words long" in verdict.reason
    assert _helper_of(text, rules=replace(RULES, max_words=500)) == HELPER


def test_quoted_lines_code_and_links_are_not_read_as_the_thankers_words() -> None:
    assert _helper_of("&gt; did you restart the lms?\nthat was it, thanks") == HELPER
    assert _helper_of("thanks, that worked:\n```\nhow do I? done?\n```") == HELPER
    assert _helper_of("thanks, <https://example.org/pr?w=1|the PR> did it") == HELPER


def test_extra_phrases_add_thanks_in_other_languages_and_disabled_ones_stop_counting() -> None:
    assert _helper_of("kiitos paljon !") is None
    finnish = replace(RULES, phrases=merge_terms(RULES.phrases, ["kiitos"]))
    assert _helper_of("kiitos paljon !", rules=finnish) == HELPER
    no_cheers = replace(RULES, short_phrases=merge_terms(RULES.short_phrases, (), ["Cheers"]))
    assert _helper_of("cheers!", rules=no_cheers) is None


def test_turned_off_detection_suggests_nothing() -> None:
    assert _helper_of("thanks, that fixed it", rules=replace(RULES, enabled=False)) is None


def test_tokens_ignore_case_punctuation_markup_and_missing_apostrophes() -> None:
    assert tokenise(f"THAAANKS <@{HELPER}|alice>!! it didnt work `x?`") == (
        "thanks",
        f"@{HELPER}",
        ".",
        ".",
        "it",
        "didn't",
        "work",
    )


def test_the_labelled_threads_meet_the_precision_and_recall_floors() -> None:
    cases = load_cases()
    assert len(cases) >= 700
    quality = evaluate(cases, evaluation_rules())
    assert quality.precision >= 0.9, quality.precision
    assert quality.recall >= 0.8, quality.recall


def test_a_reply_decided_by_its_text_gets_the_same_verdict_whatever_its_thread() -> None:
    rules = evaluation_rules()
    cases = load_cases()
    decided = [(case, verdict_from_text(case.message, rules)) for case in cases]
    by_text = [(case, verdict) for case, verdict in decided if verdict is not None]
    # Most replies are settled by their text alone; the Slack adapter then reads no thread.
    assert 0 < len(by_text) < len(cases)
    for case, verdict in by_text:
        assert verdict == detect_thanks(case.message, case.earlier, rules), case.id
        assert verdict == detect_thanks(case.message, [], rules), case.id
        assert not verdict.is_thanks, case.id


def test_a_thank_you_without_a_mention_needs_its_thread_to_find_the_helper() -> None:
    message = ThreadMessage(ASKER, "that fixed it, thanks!", "1.9")
    assert verdict_from_text(message, RULES) is None
    assert detect_thanks(message, _answered(), RULES).helper == HELPER
    ordinary = verdict_from_text(ThreadMessage(ASKER, "any news on this?", "1.9"), RULES)
    assert ordinary is not None and not ordinary.is_thanks
