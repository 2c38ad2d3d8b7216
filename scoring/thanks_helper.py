"""Whom a thank-you thanks: the helper among the people of the thread.

:func:`choose_helper` runs once :mod:`scoring.thanks` has read a reply as a thank-you.
The first rule that finds someone decides:

1. a mention of a thread participant (the one nearest the thanks; the others mentioned
   with them are offered too). A mention of someone who has not written in the thread
   is thanks to an outsider, and of a bot, thanks to a bot: nobody to credit;
2. a participant's name in the text: Slack handle, display name, real name or first name
   (also "giulia's"); failing that, a short form of a first name: its first three
   letters or more ("Sofi"), or a common diminutive ("Dima" for Dmitri);
3. the participant whose message the reply quotes, or whose code or command it repeats;
4. a reference in words: "the first suggestion", or words only one answer used;
5. a thanks for a contribution (a bug report...) by someone else than the thread's
   author: the author, who reported it;
6. the most recent substantive answer by someone other than the thanker, skipping bots,
   "+1" and "same here" and thank-yous. The thread's author counts only for someone
   who has not written in it yet (thanks for an announcement): a helper thanking the
   asker for details is not crediting help.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from scoring import thanks_words as words
from scoring.slack_text import flatten, is_word, phrase_tokens, quoted_and_code, tokenise
from scoring.thanks_fuzzy import short_forms


@dataclass(frozen=True)
class ThreadMessage:
    """One Slack message of a thread: its author's user id, text (with markup) and ts."""

    user: str
    text: str
    ts: str
    is_bot: bool = False
    names: tuple[str, ...] = ()
    """The author's Slack handle, display name and real name, as ``users.info`` gives them."""


OUTSIDER_REACH = 4
"""A mention of a non-participant this many tokens from the thanks is whom it thanks."""


@dataclass(frozen=True)
class Choice:
    """The helper (None: nobody to credit), the rule that chose, and why, as a clause."""

    helper: str | None
    rule: str
    why: str
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Thanks:
    """What the helper rules need of the thank-you itself."""

    message: ThreadMessage
    tokens: tuple[str, ...]
    anchors: tuple[int, ...]
    mentions: tuple[tuple[int, str], ...]
    contribution: bool
    is_thanks: Callable[[str], bool]


def _nearest(found: Sequence[tuple[int, str]], anchors: Sequence[int]) -> list[str]:
    def distance(item: tuple[int, str]) -> tuple[int, int]:
        gap = min((abs(item[0] - a) for a in anchors), default=0)
        # On a tie, "thanks @alice" (after) wins over "@bob thanks".
        return gap, 0 if any(item[0] > a for a in anchors) else 1

    ordered: list[str] = []
    for _, user in sorted(found, key=distance):
        if user not in ordered:
            ordered.append(user)
    return ordered


def _by_mention(thanks: Thanks, earlier: Sequence[ThreadMessage]) -> Choice | None:
    if not thanks.mentions:
        return None
    bots = {m.user for m in earlier if m.is_bot}
    speakers = {m.user for m in earlier}
    inside = [item for item in thanks.mentions if item[1] in speakers or not earlier]
    if not inside:
        # "thanks @zoe for the blog post" thanks an outsider; "thanks, I'll ask @zoe" not.
        near = [
            user
            for at, user in thanks.mentions
            if any(abs(at - a) <= OUTSIDER_REACH for a in thanks.anchors)
        ]
        if not near:
            return None
        return Choice(None, "outsider", f"thanks <@{near[0]}>, who has not written in the thread")
    people = [item for item in inside if item[1] not in bots]
    if not people:
        return Choice(None, "bot", f"thanks <@{inside[0][1]}>, a bot; bots earn no credit")
    ordered = _nearest(people, thanks.anchors)
    return Choice(ordered[0], "mention", f"mentioning <@{ordered[0]}>", tuple(ordered[1:]))


def _names(message: ThreadMessage) -> set[tuple[str, ...]]:
    found: set[tuple[str, ...]] = set()
    for name in message.names:
        tokens = phrase_tokens(name)
        for variant in (tokens, tokens[:1]):
            if variant and (len(variant) > 1 or len(variant[0]) >= 3):
                found.add(variant)
    return found


def _short_names(message: ThreadMessage) -> set[tuple[str, ...]]:
    """ "Sofi" for Sofia, "Dima" for Dmitri: see :func:`scoring.thanks_fuzzy.short_forms`."""
    found: set[tuple[str, ...]] = set()
    for name in message.names:
        tokens = phrase_tokens(name)
        if tokens and tokens[0].isalpha():
            found.update((form,) for form in short_forms(tokens[0]))
    return found


def _found_names(
    thanks: Thanks,
    earlier: Sequence[ThreadMessage],
    names: Callable[[ThreadMessage], set[tuple[str, ...]]],
) -> list[tuple[int, str]]:
    # "giulia's right": the possessive is the name.
    tokens = tuple(t[:-2] if t.endswith("'s") else t for t in thanks.tokens)
    found = []
    for message in earlier:
        if message.user == thanks.message.user:
            continue
        for name in names(message):
            for start in range(len(tokens) - len(name) + 1):
                if tokens[start : start + len(name)] == name:
                    found.append((start, message.user))
    return found


def _by_name(thanks: Thanks, earlier: Sequence[ThreadMessage]) -> Choice | None:
    bots = {m.user for m in earlier if m.is_bot}
    found = _found_names(thanks, earlier, _names) or _found_names(thanks, earlier, _short_names)
    if not found:
        return None
    helper = _nearest(found, thanks.anchors)[0]
    if helper in bots:
        return Choice(None, "bot", f"thanks <@{helper}> by name, a bot; bots earn no credit")
    return Choice(helper, "name", f"naming <@{helper}>, who wrote in the thread")


def _by_quote(thanks: Thanks, earlier: Sequence[ThreadMessage]) -> Choice | None:
    parts = quoted_and_code(thanks.message.text)
    if not parts:
        return None
    for message in reversed(earlier):
        if message.user == thanks.message.user or message.is_bot:
            continue
        said = flatten(message.text)
        if any(part in said for part in parts):
            return Choice(message.user, "quote", f"quoting or repeating <@{message.user}>'s words")
    return None


def substantive(message: ThreadMessage, thanks: Thanks) -> bool:
    """An answer someone could be thanked for: not a bot's, a "+1", or a thank-you."""
    if message.is_bot or message.user == thanks.message.user:
        return False
    said = [t for t in tokenise(message.text) if is_word(t)]
    if all(t in words.FILLER_REPLY_WORDS for t in said) and "`" not in message.text:
        return False
    return not (len(said) <= 8 and thanks.is_thanks(message.text))


def answers(thanks: Thanks, earlier: Sequence[ThreadMessage]) -> list[ThreadMessage]:
    """The substantive answers the thanker may mean, oldest first (see the module doc).

    The thread's parent counts when the thanker has not written before (thanks for an
    announcement); the asker's messages do not when the thanker answered in the thread.
    """
    thanker = thanks.message.user
    starter = earlier[0].user if earlier else None
    answered = any(m.user == thanker for m in earlier)
    found = [m for m in earlier if substantive(m, thanks)]
    if answered and starter != thanker:
        found = [m for m in found if m.user != starter]
    elif len(found) > 1 and earlier and found[0] is earlier[0]:
        found = found[1:]
    return found


def _by_reference(thanks: Thanks, candidates: Sequence[ThreadMessage]) -> Choice | None:
    if not candidates:
        return None
    tokens = thanks.tokens
    for i, token in enumerate(tokens):
        if token in words.ORDINALS and any(
            t in words.SUGGESTION_WORDS for t in tokens[i + 1 : i + 3]
        ):
            index = words.ORDINALS[token]
            if -len(candidates) <= index < len(candidates):
                user = candidates[index].user
                return Choice(user, "reference", f'referring to <@{user}>\'s answer ("{token}")')
    said = {t for t in tokens if is_word(t) and len(t) >= 4 and t not in words.COMMON_WORDS}
    scores: dict[str, int] = {}
    for message in candidates:
        shared = said & set(tokenise(message.text.replace("`", " ")))  # code too
        if shared:
            scores[message.user] = max(scores.get(message.user, 0), len(shared))
    best = sorted(scores.items(), key=lambda item: -item[1])
    if (
        best
        and (len(best) == 1 or best[0][1] > best[1][1])
        and len(scores) < len({m.user for m in candidates})
    ):
        user = best[0][0]
        return Choice(user, "reference", f"using the words of <@{user}>'s answer")
    return None


def choose_helper(thanks: Thanks, earlier: Sequence[ThreadMessage]) -> Choice:
    """Whom ``thanks`` thanks, by the first rule of the module docstring that finds someone."""
    for rule in (_by_mention, _by_name, _by_quote):
        if (choice := rule(thanks, earlier)) is not None:
            return choice
    candidates = answers(thanks, earlier)
    if (choice := _by_reference(thanks, candidates)) is not None:
        return choice
    starter = earlier[0] if earlier else None
    reporter = starter is not None and starter.user != thanks.message.user and not starter.is_bot
    if thanks.contribution and starter is not None and reporter:
        return Choice(starter.user, "reporter", f"thanking <@{starter.user}>, who reported it")
    if candidates:
        user = candidates[-1].user
        return Choice(user, "latest", f"replying to <@{user}>'s answer, the latest in the thread")
    if any(m.is_bot for m in earlier):
        return Choice(None, "bot", "after only a bot's answer; bots earn no credit")
    return Choice(None, "nobody", "but nobody else has answered in the thread")
