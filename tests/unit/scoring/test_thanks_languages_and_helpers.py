"""Thank-you detection in many languages, and the choice of the helper in busy threads."""

from __future__ import annotations

import pytest

from scoring.thanks import ThanksRules, ThreadMessage, detect_thanks

ASKER, HELPER, OTHER, BYSTANDER, OUTSIDER, BOT = (
    "U01ASKR",
    "U02HELP",
    "U03OTHR",
    "U04BYST",
    "U05OUTS",
    "U0BOT99",
)
RULES = ThanksRules()
QUESTION = ThreadMessage(ASKER, "The worker dies after the upgrade, any idea?", "1.1")
ANSWER = ThreadMessage(
    HELPER, "Run `pip install -U celery` and restart.", "1.2", names=("ana", "Ana S.", "Ana Souza")
)
GUESS = ThreadMessage(
    OTHER, "Maybe clear the cache first?", "1.3", names=("bob.k", "bobk", "Robert Kowalski")
)


def _verdict(text: str, earlier: list[ThreadMessage], user: str = ASKER):
    return detect_thanks(ThreadMessage(user, text, "1.9"), earlier, RULES)


@pytest.mark.parametrize(
    "text",
    [
        "¡Muchas gracias!",
        "valeu, deu certo",
        "merci beaucoup",
        "Danke dir!",
        "grazie mille",
        "dank je wel",
        "dziekuje bardzo",
        "спасибо большое",
        "дякую!",
        "çok teşekkürler",
        "شكراً جزيلاً",
        "תודה רבה",
        "बहुत धन्यवाद",
        "makasih banyak",
        "cảm ơn bạn nhiều",
        "非常感谢！搞定了",
        "ありがとうございます！",
        "정말 감사합니다",
        "asante sana",
    ],
)
def test_a_thank_you_in_another_language_credits_the_helper_by_default(text: str) -> None:
    assert _verdict(text, [QUESTION, ANSWER]).helper == HELPER


@pytest.mark.parametrize(
    "text",
    [
        "gracias de antemano",
        "merci pour rien",
        "danke, aber es geht immer noch nicht",
        "заранее спасибо",
        "谢谢，但是还是不行",
        "먼저 미리 감사합니다",
        "asante, lakini bado haifanyi kazi",
    ],
)
def test_thanks_in_advance_sarcasm_and_failure_are_read_in_other_languages_too(text: str) -> None:
    assert _verdict(text, [QUESTION, ANSWER]).helper is None


def test_chinese_and_japanese_thanks_match_inside_a_run_without_spaces() -> None:
    assert _verdict("好的谢谢大佬", [QUESTION, ANSWER]).helper == HELPER
    assert _verdict("本当に助かりました", [QUESTION, ANSWER]).helper == HELPER


def test_the_helper_named_by_first_name_is_credited_though_someone_else_spoke_last() -> None:
    verdict = _verdict("thanks Ana, that was it", [QUESTION, ANSWER, GUESS])
    assert verdict.helper == HELPER and verdict.rule == "name"
    assert _verdict("@bob.k thanks!", [QUESTION, GUESS, ANSWER]).helper == OTHER


def test_the_participant_whose_command_is_repeated_is_credited() -> None:
    verdict = _verdict("`pip install -U celery` did it, thanks!", [QUESTION, ANSWER, GUESS])
    assert verdict.helper == HELPER and verdict.rule == "quote"


def test_thanking_two_people_raises_one_suggestion_offering_both() -> None:
    verdict = _verdict(f"thanks <@{HELPER}> and <@{OTHER}>!", [QUESTION, ANSWER, GUESS])
    assert verdict.helper == HELPER and verdict.others == (OTHER,)


def test_a_plus_one_and_a_bot_after_the_answer_are_skipped() -> None:
    earlier = [
        QUESTION,
        GUESS,
        ANSWER,
        ThreadMessage(BYSTANDER, "+1 same here", "1.4"),
        ThreadMessage(BOT, "Deploy finished.", "1.5", is_bot=True),
    ]
    assert _verdict("that did the trick, thanks!", earlier).helper == HELPER


def test_thanks_to_someone_outside_the_thread_suggests_nobody() -> None:
    verdict = _verdict(f"thanks <@{OUTSIDER}> for the blog post", [QUESTION, ANSWER])
    assert verdict.helper is None and "not written in the thread" in verdict.reason


def test_a_maintainer_thanking_a_bug_reporter_credits_the_reporter() -> None:
    report = ThreadMessage(ASKER, "Found a bug: the export drops the last row.", "1.1")
    verdict = _verdict("Thanks for reporting! Fixed in #1234.", [report], user=HELPER)
    assert verdict.helper == ASKER and verdict.rule == "reporter"


def test_the_helper_thanking_the_asker_for_details_suggests_nobody() -> None:
    details = ThreadMessage(ASKER, "Here is the full log, same error.", "1.3")
    verdict = _verdict("thanks for the details, try DEBUG=1", [QUESTION, ANSWER, details], HELPER)
    assert verdict.helper is None


def test_a_bystander_confirming_the_fix_credits_the_helper_not_the_asker() -> None:
    earlier = [QUESTION, ANSWER, ThreadMessage(ASKER, "thanks, works!", "1.3")]
    assert _verdict("worked for me too, thanks", earlier, BYSTANDER).helper == HELPER


@pytest.mark.parametrize(
    "text", ["thanks everyone!", "Ana says thanks!", "thanks bot", "the thanks page is broken"]
)
def test_thanks_to_the_room_a_bot_or_passed_on_or_a_mere_word_suggest_nobody(text: str) -> None:
    assert _verdict(text, [QUESTION, ANSWER]).helper is None


def test_thanks_then_a_question_counts_when_the_thanks_comes_first_after_an_answer() -> None:
    assert _verdict("that fixed it, thanks! why was it off?", [QUESTION, ANSWER]).helper == HELPER
    assert _verdict("thanks! how do I do that on docker?", [QUESTION, ANSWER]).helper == HELPER
    assert _verdict("how do I do that on docker? thanks", [QUESTION, ANSWER]).helper is None


def test_a_newcomer_thanking_then_asking_in_a_thread_they_never_wrote_in_credits_nobody() -> None:
    verdict = _verdict("thanks! how do I do that on docker?", [QUESTION, ANSWER], BYSTANDER)
    assert verdict.helper is None


@pytest.mark.parametrize("text", ["thanls!", "thenks", "graciaz", "obrigdo", "danek"])
def test_a_thank_you_word_with_one_slip_of_the_keyboard_counts(text: str) -> None:
    assert _verdict(text, [QUESTION, ANSWER]).helper == HELPER, text


@pytest.mark.parametrize("text", ["I think so", "she thinks it is the cache", "less is more"])
def test_words_one_letter_from_thanks_that_are_words_of_their_own_thank_nobody(text: str) -> None:
    assert _verdict(text, [QUESTION, ANSWER]).helper is None, text


@pytest.mark.parametrize(
    "text",
    [
        "thanks, but it still says 401",
        "gracias, pero sigue sin llegar",
        "danke, leider weiterhin 401",
        "спасибо, всё равно падает",
        "thanks a bunch, now the whole cluster is down",
        "thanks to the new cache it is faster",
        "my manager wanted me to tell you thanks",
    ],
)
def test_thanks_for_help_that_fell_short_or_to_a_thing_or_passed_on_credits_nobody(
    text: str,
) -> None:
    assert _verdict(text, [QUESTION, ANSWER]).helper is None, text


@pytest.mark.parametrize(
    "text",
    [
        "owe you a beer, that was it",
        "saved my bacon",
        "you're a genius",
        "eres un genio",
        "ты гений",
    ],
)
def test_implicit_gratitude_credits_the_helper(text: str) -> None:
    assert _verdict(text, [QUESTION, ANSWER]).helper == HELPER, text


def test_misspelt_thanks_still_count() -> None:
    for text in ("thnaks!", "thansk", "tahnks a lot"):
        assert _verdict(text, [QUESTION, ANSWER]).helper == HELPER, text
