"""A thanked message that says ``<!channel>`` or mentions a lead is quoted in the review
question as text: the question pings nobody and links nothing."""

from __future__ import annotations

import re

from tests.standins.slack_api import SlackApiStandIn
from tests.support.serving import RunningApp
from tests.support.slack import ANSWER_TS, HELP, PARENT_TS, REVIEW, thank_alice_event

# As Slack sends a message's text: its markup in <...>, what was typed as "<" escaped.
HOSTILE = (
    "<!channel> <!here> <!everyone> <@U01LEAD> see <#C01NEWS> and "
    "<http://evil.example|the fix> — 1 &lt; 2 &amp; [x](http://evil.example)"
)


def test_a_thanked_message_with_mentions_and_links_is_quoted_as_text_in_the_question(
    app: RunningApp, slack_api: SlackApiStandIn
) -> None:
    slack_api.add_message(HELP, PARENT_TS, "U0DMITRI", "How do I turn on SSO?")
    slack_api.add_message(HELP, ANSWER_TS, "U0ALICE", HOSTILE, thread_ts=PARENT_TS)
    thanks = thank_alice_event(text="<!here> thanks <@U0ALICE>, that fixed it!")
    assert app.event(thanks).status_code == 200

    (question,) = slack_api.posts_to(REVIEW)
    quote = question["blocks"][1]["text"]
    assert quote["verbatim"] is True
    texts = [question["text"], quote["text"]]
    for text in texts:
        # Slack's markup left: only the bot's own mention of the author and the channel
        # (and in the header block, the message's permalink)
        assert re.findall(r"<[^>]*>", text.split(": ", 1)[-1]) == [], text
        assert "&lt;!channel&gt; &lt;!here&gt; &lt;!everyone&gt; &lt;@U01LEAD&gt;" in text
        assert "1 &lt; 2 &amp; [x]" in text  # Slack's own escapes are kept, not doubled
    assert question["text"].startswith("Is this a contribution? <@U0ALICE> in <#C0HELP>: ")
    # "Why I ask" quotes the thanks: its people stay mentions, its <!here> is text
    why = question["blocks"][2]["elements"][0]["text"]
    assert why.startswith("Why I ask: <@U0DMITRI> said") and "&lt;!here&gt;" in why, why
    assert "<!" not in why
