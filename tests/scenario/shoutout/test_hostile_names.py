"""People choose their own names: whatever they chose, the shout-out pings nobody and
links nothing, in Slack (text and blocks) and on the forum (the topic's Markdown), and
reads in the order it was typed (no direction override or isolate turns it around)."""

from __future__ import annotations

import json
import re
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.runtime import Runtime
from bot.services.ledger.credits import record_credit
from bot.services.ledger.members import ensure_member
from scoring.models import Identity, IdentityKind
from tests.standins.discourse_api import StandinDiscourse
from tests.standins.slack_api import SlackApiStandIn
from tests.support.cli import Cli
from tests.support.slack import shoutout_posts

#: (name, Slack id or None, e-mail)
HOSTILE = (
    ("<!channel> <@U01LEAD>", "U0MALLORY", "mallory@acme.example"),
    ("@staff @everyone @here", None, "trent@beta.example"),
    ("[x](http://evil.example) <img src=x onerror=alert(1)>", None, "eve@gmail.com"),
    ("Ann & <#C01SHOUT> <!here|here> <https://evil.example|click>", None, "ann@gmail.com"),
    ("Mallory \u2067\u202eeciovni\u2069 Ng", None, "ng@beta.example"),
)
# With the override a reader would see "live.com" where "moc.evil" was typed.
HOSTILE_ORGANISATION = "<!everyone> Acme @staff [Acme](http://evil.example) \u202emoc.evil\u202c"
#: Unicode's direction embeddings, overrides and isolates.
BIDI = "\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"


@pytest.fixture
def config_data(config_data: dict[str, Any]) -> dict[str, Any]:
    config_data["organisations"][0]["name"] = HOSTILE_ORGANISATION
    return config_data


def _credit_the_hostile_names(runtime: Runtime) -> None:
    when = datetime(2026, 10, 12, 12, tzinfo=UTC)
    for number, (name, slack_id, email) in enumerate(HOSTILE):
        identities = [Identity(IdentityKind.EMAIL, email)]
        if slack_id:
            identities.append(Identity(IdentityKind.SLACK, slack_id))
        with runtime.uow() as uow:
            member, _ = ensure_member(uow, runtime.config, identities, name, when)
            record_credit(
                uow, runtime.config, member, "code", when, "test", f"h{number}", when, points=9
            )
            uow.commit()


def _slack_texts(post: dict[str, Any]) -> list[str]:
    """Every mrkdwn or plain text of a message: its ``text`` and each block's texts."""
    texts = [str(post["text"])]
    blocks = post["blocks"]
    if isinstance(blocks, str):
        blocks = json.loads(blocks)
    for block in blocks:
        for element in [block.get("text"), *block.get("elements", [])]:
            if isinstance(element, dict) and "text" in element:
                texts.append(element["text"])
                if element["type"] == "mrkdwn":
                    assert element.get("verbatim") is True, block
    return texts


def _published_shoutout(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> tuple[dict[str, Any], str]:
    """October's shout-out of the hostile names: the Slack message and the forum topic."""
    _credit_the_hostile_names(runtime)
    result = cli("jobs", "run", "monthly-shoutout", "--month", "2026-10")
    assert result.code == 0, result.err
    (post,) = shoutout_posts(slack)
    return post, forum.calls("/posts", method="POST")[0].form["raw"][0]


def test_hostile_names_in_the_shoutout_ping_nobody_in_slack_or_on_the_forum(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    post, raw = _published_shoutout(runtime, cli, slack, forum)

    everything = "\n".join(_slack_texts(post))
    # what Slack would turn into pings, channel links or links: only the bot's own
    # mention of the one member with a Slack account
    assert re.findall(r"<[^>]*>", everything) == ["<@U0MALLORY>"], everything
    visible = post["text"].replace("\u200b", "")  # zero-width spaces are not seen
    assert "&lt;!channel&gt; &lt;@U01LEAD&gt;" in visible  # shown, not sent
    assert "&lt;!everyone&gt; Acme" in everything

    assert re.search(r"@(staff|everyone|here)\b", raw) is None, raw
    # no Markdown link, no HTML tag: every bracket is escaped, every bare link broken
    assert re.findall(r"(?<!\\)[<>\[\]]", raw) == [], raw
    assert "http://evil" not in raw and "https://evil" not in raw, raw
    assert "Ann \\& " in raw  # an ampersand stays an ampersand, never an entity


def _no_bidi(text: str) -> bool:
    return not any(char in BIDI for char in text)


def test_direction_overrides_in_names_reach_neither_slack_nor_the_forum_shoutout(
    runtime: Runtime, cli: Cli, slack: SlackApiStandIn, forum: StandinDiscourse
) -> None:
    post, raw = _published_shoutout(runtime, cli, slack, forum)

    slack_message = json.dumps(post, ensure_ascii=False)
    assert _no_bidi(slack_message), ascii(slack_message)
    assert "Mallory eciovni Ng" in slack_message and " moc.evil" in slack_message
    assert _no_bidi(raw), ascii(raw)
    assert "Mallory eciovni Ng" in raw and " moc.evil" in raw


def test_direction_overrides_in_names_leave_the_markdown_report(runtime: Runtime, cli: Cli) -> None:
    _credit_the_hostile_names(runtime)

    result = cli("report", "--month", "2026-10", "--format", "markdown", "--live")

    assert result.code == 0, result.err
    assert _no_bidi(result.out), ascii(result.out)
    assert "| Mallory eciovni Ng | beta | 9 |" in result.out
    assert " moc.evil | 9 | +9 | new |" in result.out
