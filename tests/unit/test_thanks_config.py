"""The ``thanks:`` section of creditbot.yml becomes the rules of thank-you detection."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.config import load_config, parse_config
from bot.errors import ConfigError
from scoring.thanks import ThanksRules, ThreadMessage, detect_thanks

EXAMPLE = Path(__file__).parents[2] / "creditbot.example.yml"


def test_without_a_thanks_section_the_built_in_rules_apply() -> None:
    assert parse_config({}, "creditbot.yml").thanks_rules == ThanksRules()


def test_the_example_configuration_documents_the_default_thanks_rules() -> None:
    assert load_config(EXAMPLE).thanks_rules == ThanksRules()


def test_configured_phrases_and_limits_reach_the_detector() -> None:
    config = parse_config(
        {
            "thanks": {
                "extra_phrases": ["merci", "danke"],
                "disabled_phrases": ["cheers", ":pray:"],
                "extra_sarcasm_markers": ["merci pour rien"],
                "max_words": 40,
            }
        },
        "creditbot.yml",
    )
    rules = config.thanks_rules
    earlier = [
        ThreadMessage("U1ASKER", "How?", "1.1"),
        ThreadMessage("U2HELPER", "Like so.", "1.2"),
    ]

    def helper(text: str) -> str | None:
        return detect_thanks(ThreadMessage("U1ASKER", text, "1.3"), earlier, rules).helper

    assert helper("Danke!") == "U2HELPER"
    assert helper("merci pour rien") is None
    assert helper("cheers") is None and helper(":pray:") is None
    assert helper("thanks") == "U2HELPER"
    assert rules.max_words == 40


@pytest.mark.parametrize(
    ("section", "message"),
    [
        ({"disabled_phrases": ["thnks2"]}, "thanks.disabled_phrases: 'thnks2' is not one of"),
        ({"disabled_markers": ["nope nope"]}, "thanks.disabled_markers: 'nope nope' is not one"),
        ({"extra_phrases": ["!!!"]}, "thanks.extra_phrases: '!!!' has no words"),
        ({"max_words": 0}, "thanks.max_words: Input should be greater than or equal to 1"),
        ({"phrases": ["thanks"]}, "thanks.phrases: unknown key"),
    ],
)
def test_a_mistake_in_the_thanks_section_is_named_in_one_line(
    section: dict[str, object], message: str
) -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"thanks": section}, "creditbot.yml")
    assert str(error.value).startswith(f"creditbot.yml: {message}")


def test_a_language_can_be_turned_off_or_given_words_of_its_own() -> None:
    config = parse_config(
        {
            "thanks": {
                "disabled_languages": ["fr"],
                "languages": {
                    "fi": {"extra_phrases": ["kiitos"]},
                    "es": {"disabled_phrases": ["grax"]},
                },
            }
        },
        "creditbot.yml",
    )
    earlier = [
        ThreadMessage("U1ASKER", "How?", "1.1"),
        ThreadMessage("U2HELPER", "Like so.", "1.2"),
    ]

    def helper(text: str) -> str | None:
        reply = ThreadMessage("U1ASKER", text, "1.3")
        return detect_thanks(reply, earlier, config.thanks_rules).helper

    assert helper("je vous remercie !") is None
    assert helper("kiitos!") == "U2HELPER"
    assert helper("grax!") is None
    assert helper("gracias!") == "U2HELPER"


def test_an_unknown_language_to_turn_off_is_named_in_one_line() -> None:
    with pytest.raises(ConfigError) as error:
        parse_config({"thanks": {"disabled_languages": ["xx"]}}, "creditbot.yml")
    assert str(error.value).startswith("creditbot.yml: thanks.disabled_languages: 'xx' is not")
