"""The monthly shout-out in Block Kit, within Slack's limits.

Slack refuses a message with more than 50 blocks, a section text over 3,000
characters or a header over 150. Long lists are packed into as few sections as fit;
if the whole still has too many blocks, the lists are shortened ("...and N more").
The ``text`` that goes with the blocks is the plain fallback for notifications and
for clients that cannot show blocks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from bot.messages.escaping import slack_text
from bot.messages.names import neutral_name, welcome_sentence
from bot.messages.rendering import correction_lines, movement, signed
from bot.messages.slack.limits import (
    MAX_BLOCKS,
    MAX_FALLBACK_CHARS,
    MAX_HEADER_CHARS,
    MAX_SECTION_CHARS,
    cut,
)
from bot.messages.words import plural
from scoring.shoutout import PointsChange, ShoutoutContent, ShoutoutMember

Block = dict[str, Any]


def slack_mention(member: ShoutoutMember | PointsChange) -> str:
    """``<@U123>`` for a Slack user; else the name, with the forum name when there is one."""
    if member.slack_id:
        return f"<@{member.slack_id}>"
    name = slack_text(neutral_name(member.name))
    if member.discourse_username:
        return f"{name} (@{slack_text(member.discourse_username)} on the forum)"
    return name


def _section(text: str) -> Block:
    # verbatim: names are shown as written, never auto-linked (our own <@U…> still works)
    text = cut(text, MAX_SECTION_CHARS)
    return {"type": "section", "text": {"type": "mrkdwn", "text": text, "verbatim": True}}


def _divider() -> Block:
    return {"type": "divider"}


def _context(text: str) -> Block:
    element = {"type": "mrkdwn", "text": text[:MAX_SECTION_CHARS], "verbatim": True}
    return {"type": "context", "elements": [element]}


def _packed(heading: str, lines: Sequence[str]) -> list[Block]:
    """``heading`` and ``lines`` in as few sections as Slack's 3,000 characters allow."""
    chunks: list[str] = []
    current = heading
    for line in lines:
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) > MAX_SECTION_CHARS and current:
            chunks.append(current)
            current = line
        else:
            current = candidate
    if current:
        chunks.append(current)
    return [_section(chunk) for chunk in chunks]


def _member_lines(content: ShoutoutContent) -> list[str]:
    lines = []
    for m in content.members:
        org = f" · {slack_text(m.organisation)}" if m.organisation else ""
        lines.append(f"{m.rank}. {slack_mention(m)} — *{m.points}* points{org}")
    if content.more_members:
        lines.append(f"…and {content.more_members} more. Thank you all!")
    return lines


def _organisation_lines(content: ShoutoutContent) -> list[str]:
    lines = [
        f"{o.rank}. *{slack_text(o.name)}* — {o.points} points · {movement(o)} "
        f"({signed(o.delta_points)} since last month)"
        for o in content.organisations
    ]
    if content.more_organisations:
        lines.append(f"…and {content.more_organisations} more.")
    return lines


def _newcomers(content: ShoutoutContent) -> str:
    if not content.new_contributors and not content.new_members:
        return "*New this month:* nobody yet. Maybe you, next month?"
    return (
        f"*New this month:* {plural(content.new_contributors, 'new contributor')} and "
        f"{plural(content.new_members, 'new member')}. Welcome! :wave:"
    )


def _welcome(content: ShoutoutContent) -> list[Block]:
    """The new contributors by name, escaped like every other name in the message (a
    verbatim section: a name can be nothing but words)."""
    names = [slack_text(neutral_name(n)) for n in content.new_contributor_names]
    sentence = welcome_sentence(names, content.new_contributors)
    return [] if sentence is None else [_section(sentence)]


def _blocks(content: ShoutoutContent) -> list[Block]:
    header = f":tada: Contributions in {content.label}"
    blocks: list[Block] = [
        {
            "type": "header",
            "text": {"type": "plain_text", "text": header[:MAX_HEADER_CHARS], "emoji": True},
        }
    ]
    if content.quiet:
        blocks.append(
            _section(
                f"No contributions were credited in {content.label}: a quiet month. "
                "The list below is waiting for you!"
            )
        )
    else:
        people = "person" if content.contributors == 1 else "people"
        blocks.append(
            _section(
                f"Thank you to the *{content.contributors} {people}* who contributed in "
                f"{content.label}: {content.total_credits} credits, "
                f"{content.total_points} points. :raised_hands:"
            )
        )
    if content.note:
        blocks.append(_section(slack_text(content.note)))
    if content.members:
        blocks.append(_divider())
        blocks += _packed("*Top contributors*", _member_lines(content))
    if content.organisations:
        blocks.append(_divider())
        blocks += _packed("*Top organisations*", _organisation_lines(content))
    blocks += [_divider(), _section(_newcomers(content)), *_welcome(content)]
    if content.corrections:
        blocks += _packed(
            "*Corrections to earlier months*",
            correction_lines(content.corrections, slack_mention, _escaped_name),
        )
    blocks.append(
        _context(f":bulb: *How to get on this list:* {slack_text(content.how_to_get_listed)}")
    )
    return blocks


def _escaped_name(change: PointsChange) -> str:
    return slack_text(neutral_name(change.name))


def fallback_text(content: ShoutoutContent) -> str:
    """The message's plain ``text``: a one-paragraph summary, names without mentions."""
    if content.quiet:
        return f"Contributions in {content.label}: a quiet month, nothing was credited."
    names = ", ".join(
        f"{slack_text(neutral_name(m.name))} ({m.points})" for m in content.members[:10]
    )
    more = content.contributors - min(len(content.members), 10)
    text = (
        f"Contributions in {content.label}: thank you to the {content.contributors} "
        f"contributors! Top: {names}" + (f" and {more} more." if more > 0 else ".")
    )
    welcome = welcome_sentence(
        [slack_text(neutral_name(n)) for n in content.new_contributor_names],
        content.new_contributors,
    )
    if welcome:
        text += f" {welcome}"
    return cut(text, MAX_FALLBACK_CHARS)


def shoutout_message(content: ShoutoutContent, max_blocks: int = MAX_BLOCKS) -> dict[str, Any]:
    """``{"text", "blocks"}`` for ``chat.postMessage``, never over ``max_blocks`` blocks.

    When everything does not fit, the contributor and organisation lists are shortened
    (the rest counted in "...and N more") until it does.
    """
    shown = content
    blocks = _blocks(shown)
    while len(blocks) > max_blocks and (shown.members or shown.organisations):
        if len(shown.members) >= len(shown.organisations):
            keep = len(shown.members) * 3 // 4
            shown = replace(
                shown,
                members=shown.members[:keep],
                more_members=shown.more_members + len(shown.members) - keep,
            )
        else:
            keep = len(shown.organisations) * 3 // 4
            shown = replace(
                shown,
                organisations=shown.organisations[:keep],
                more_organisations=shown.more_organisations + len(shown.organisations) - keep,
            )
        blocks = _blocks(shown)
    if len(blocks) > max_blocks:  # only corrections and the note left: cut the tail
        blocks = [*blocks[: max_blocks - 1], blocks[-1]]
    return {"text": fallback_text(content), "blocks": blocks}


def draft_message(
    content: ShoutoutContent, channel: str | None, when: str, max_blocks: int = MAX_BLOCKS
) -> dict[str, Any]:
    """The private preview for programme managers, before the shout-out is posted."""
    where = f"in <#{channel}>" if channel else "(no Slack channel is configured)"
    intro = _section(
        f":memo: *Draft:* this is the shout-out for {content.label}, to be posted {where} "
        f"{when}. It is computed again at that moment: to change it, add a note "
        f'(`creditbot shoutout note --month {content.month} "..."`) or correct the credits.'
    )
    message = shoutout_message(content, max_blocks=max_blocks - 2)
    return {
        "text": f"Draft of the {content.label} shout-out (posted {when}). " + message["text"],
        "blocks": [intro, _divider(), *message["blocks"]],
    }
