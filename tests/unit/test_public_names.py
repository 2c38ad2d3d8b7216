"""Names from people are shown neutralised: readable, never a ping, a link or markup."""

from __future__ import annotations

from bot.messages.escaping import discourse_markdown_text, slack_text
from bot.messages.names import MAX_NAME_CHARS, ZERO_WIDTH_SPACE, neutral_name, welcome_sentence


def test_an_ordinary_name_is_shown_as_it_is() -> None:
    assert neutral_name("Ana María O'Neil-Ng") == "Ana María O'Neil-Ng"


def test_a_name_built_to_ping_or_link_is_one_line_and_loses_its_power_in_each_medium() -> None:
    shown = neutral_name("<!here> @everyone see https://evil.example\nnow")
    assert shown.replace(ZERO_WIDTH_SPACE, "") == "<!here> @everyone see https://evil.example now"
    assert "@everyone" not in shown and "evil.example" not in shown
    in_slack = slack_text(shown)
    assert "<" not in in_slack and ">" not in in_slack
    on_the_forum = discourse_markdown_text(shown)
    assert "@everyone" not in on_the_forum and "https://" not in on_the_forum


def test_invisible_characters_go_and_a_long_name_is_cut() -> None:
    assert neutral_name("Eve\u202e\u200blyn") == "Evelyn"
    assert len(neutral_name("x" * 500)) == MAX_NAME_CHARS
    assert neutral_name("\u200b\n") == "someone"


def test_the_welcome_names_who_may_be_named_and_counts_the_rest() -> None:
    assert welcome_sentence(["Ann"], 1) == "Welcome, Ann!"
    assert welcome_sentence(["Ann", "Bo"], 2) == "Welcome, Ann and Bo!"
    assert welcome_sentence(["Ann", "Bo"], 5) == "Welcome, Ann, Bo and 3 more!"
    assert welcome_sentence([], 3) is None


def test_every_medium_drops_direction_overrides_and_isolates_but_keeps_direction_marks() -> None:
    typed = "Acme \u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069Learning \u200fשלום"
    assert slack_text(typed) == "Acme Learning \u200fשלום"
    assert discourse_markdown_text(typed) == "Acme Learning \u200fשלום"
