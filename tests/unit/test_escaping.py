"""The one helper per target that makes what people wrote safe where the bot posts it."""

from __future__ import annotations

from bot.messages.escaping import (
    ZERO_WIDTH_SPACE,
    discourse_markdown_text,
    discourse_mention,
    slack_text,
)


def test_slack_text_breaks_every_ping_and_link() -> None:
    assert slack_text("<!channel> <@U01LEAD> <#C1> <http://x|y>") == (
        f"&lt;!channel&gt; &lt;@U01LEAD&gt; &lt;#C1&gt; &lt;http{ZERO_WIDTH_SPACE}://x|y&gt;"
    )


def test_slack_text_keeps_slacks_own_escapes_and_escapes_a_bare_ampersand() -> None:
    assert slack_text("1 &lt; 2 &amp; AT&T") == "1 &lt; 2 &amp; AT&amp;T"
    assert slack_text(slack_text("<a & b>")) == slack_text("<a & b>")


def test_discourse_text_breaks_mentions_links_and_html_on_one_line() -> None:
    shown = discourse_markdown_text("@staff [x](http://evil)\n<img src=x> | #1 &amp;")
    assert shown == (
        f"@{ZERO_WIDTH_SPACE}staff \\[x\\](http{ZERO_WIDTH_SPACE}://evil) "
        "\\<img src=x\\> \\| \\#1 \\&amp;"
    )


def test_a_forum_mention_is_kept_only_for_a_username_discourse_allows() -> None:
    assert discourse_mention("alice.b", "Alice") == "@alice.b"
    assert discourse_mention(None, "@here") == f"@{ZERO_WIDTH_SPACE}here"
    assert discourse_mention("x y @everyone", "X") == f"x y @{ZERO_WIDTH_SPACE}everyone"
