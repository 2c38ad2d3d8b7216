"""Is a Slack thread reply a thank-you, and whom does it thank?

:func:`detect_thanks` reads one reply against the earlier messages of its thread and
says whether it suggests crediting someone, whom (a Slack user id, never a name) and
why, in one sentence a team lead can read. It only *suggests*: a team lead decides.

The first rule that applies decides:

1. a bot's message, or detection turned off: no;
2. no thanks in it (a phrase, a thank-you emoji, or "that fixed it"-style news that
   the help worked, a *resolution*): no;
3. longer than ``max_words``: no; a long message that says thanks is about something else;
4. sarcasm or a refusal ("thanks for nothing", "/s", "no thanks");
5. a reply to a thank-you ("you're welcome", "glad it helped");
6. thanks in advance ("tia", "any help would be appreciated");
7. the help failed ("didn't work", "thanks anyway", or a negation shortly before
   fixed/worked/helped, "that hasn't fixed it"): thanks for trying is kind, but it
   does not say that anyone solved anything;
8. a question or a request ("thanks! but why does...?", "could someone help? thanks"),
   unless another sentence says the help worked ("that fixed it! why was it off?");
9. a courtesy ("thanks for asking", "thanks for reporting", "thanks for the welcome");
10. a greeting or sign-off and nothing else ("hi all, thanks"), unless it names someone;
11. solved alone ("never mind, figured it out myself");
12. then the helper: the user the message mentions (the mention nearest the thanks, not
    one after "cc"), else the author of the most recent earlier message in the thread by
    someone other than the thanker. Nobody, the thanker, or a bot: no.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from scoring import thanks_words as words
from scoring.slack_text import (
    BOUNDARY,
    MENTION_PREFIX,
    QUESTION,
    emoji_name,
    is_word,
    phrase_tokens,
    tokenise,
)

SNIPPET_LENGTH = 80


@dataclass(frozen=True)
class ThreadMessage:
    """One Slack message of a thread: its author's user id, text (with markup) and ts."""

    user: str
    text: str
    ts: str
    is_bot: bool = False


@dataclass(frozen=True)
class ThanksVerdict:
    """Whether a message suggests crediting ``helper`` (a user id), and why, in a sentence."""

    is_thanks: bool
    helper: str | None
    reason: str


@dataclass(frozen=True)
class ThanksRules:
    """What counts as thanks, and what rules it out. Defaults: :mod:`scoring.thanks_words`."""

    phrases: tuple[str, ...] = words.THANKS_PHRASES
    resolution_phrases: tuple[str, ...] = words.RESOLUTION_PHRASES
    short_phrases: tuple[str, ...] = words.SHORT_PHRASES
    emoji: tuple[str, ...] = words.THANKS_EMOJI
    question_markers: tuple[str, ...] = words.QUESTION_MARKERS
    anticipation_markers: tuple[str, ...] = words.ANTICIPATION_MARKERS
    request_markers: tuple[str, ...] = words.REQUEST_MARKERS
    sarcasm_markers: tuple[str, ...] = words.SARCASM_MARKERS
    reply_markers: tuple[str, ...] = words.REPLY_MARKERS
    courtesy_markers: tuple[str, ...] = words.COURTESY_MARKERS
    failure_markers: tuple[str, ...] = words.FAILURE_MARKERS
    greeting_markers: tuple[str, ...] = words.GREETING_MARKERS
    filler_words: tuple[str, ...] = words.FILLER_WORDS
    self_solved_markers: tuple[str, ...] = words.SELF_SOLVED_MARKERS
    negators: tuple[str, ...] = words.NEGATORS
    success_words: tuple[str, ...] = words.SUCCESS_WORDS
    cc_markers: tuple[str, ...] = words.CC_MARKERS
    max_words: int = 120
    """Longer messages are not thank-yous."""
    short_message_words: int = 5
    """``short_phrases`` ("cheers", "solved") count only in messages of at most this many words."""
    negation_window: int = 3
    """A negator up to this many words before a success word ("hasn't fixed") is a failure."""
    enabled: bool = True


def merge_terms(
    defaults: Iterable[str], extra: Iterable[str] = (), disabled: Iterable[str] = ()
) -> tuple[str, ...]:
    """``defaults`` plus ``extra`` minus ``disabled``, compared as normalised tokens."""
    removed = {phrase_tokens(term) for term in disabled}
    merged: dict[tuple[str, ...], str] = {}
    for term in (*defaults, *extra):
        key = phrase_tokens(term)
        if key and key not in removed:
            merged.setdefault(key, term)
    return tuple(merged.values())


@dataclass(frozen=True)
class _Match:
    term: str
    start: int
    end: int


def _find(tokens: Sequence[str], terms: Iterable[str]) -> list[_Match]:
    found: list[_Match] = []
    for term in terms:
        wanted = phrase_tokens(term)
        size = len(wanted)
        if not size:
            continue
        for start in range(len(tokens) - size + 1):
            if tuple(tokens[start : start + size]) == wanted:
                found.append(_Match(term, start, start + size))
    return sorted(found, key=lambda m: (m.start, -m.end))


def _sentence_start(tokens: Sequence[str], index: int) -> int:
    """Where the sentence holding ``tokens[index]`` starts (a "?" ends its sentence)."""
    start = index
    while start > 0 and tokens[start - 1] not in (BOUNDARY, QUESTION):
        start -= 1
    return start


def _snippet(text: str) -> str:
    flat = " ".join(text.split()).replace('"', "'")
    return flat if len(flat) <= SNIPPET_LENGTH else flat[: SNIPPET_LENGTH - 1].rstrip() + "…"


class _Reading:
    """One message's tokens and the matches the rules look for, computed once."""

    def __init__(self, message: ThreadMessage, rules: ThanksRules) -> None:
        self.rules = rules
        self.tokens = tokenise(message.text)
        self.word_count = sum(1 for t in self.tokens if is_word(t))
        short = self.word_count <= rules.short_message_words
        emoji = {name.strip(":") for name in rules.emoji}
        self.thanks = _find(self.tokens, rules.phrases)
        if short:
            self.thanks += _find(self.tokens, rules.short_phrases)
        self.thanks += [
            _Match(token, i, i + 1)
            for i, token in enumerate(self.tokens)
            if (name := emoji_name(token)) is not None
            and (name in emoji or self._names_a_phrase(name))
        ]
        resolutions = _find(self.tokens, rules.resolution_phrases)
        self.resolutions = [m for m in resolutions if not self._negated(m.start)]
        self.failure = next(
            (t for i, t in enumerate(self.tokens) if t in rules.success_words and self._negated(i)),
            None,
        )

    def _names_a_phrase(self, name: str) -> bool:
        # A custom emoji such as :thank-you: or :merci: says its phrase.
        spoken = phrase_tokens(name.replace("_", " ").replace("-", " "))
        return any(phrase_tokens(p) == spoken for p in self.rules.phrases)

    def _negated(self, index: int) -> bool:
        start = _sentence_start(self.tokens, index)
        before = self.tokens[max(start, index - self.rules.negation_window) : index]
        return any(t in self.rules.negators for t in before)

    def first(self, terms: Iterable[str]) -> _Match | None:
        found = _find(self.tokens, terms)
        return found[0] if found else None

    def asking(self) -> str | None:
        """'a question' / 'a request' with its marker, unless a resolution stands apart."""
        asks: list[tuple[int, str]] = []
        for i, token in enumerate(self.tokens):
            if token == QUESTION:
                asks.append((i, 'a question ("?")'))
        for match in _find(self.tokens, self.rules.question_markers):
            asks.append((match.start, f'a question ("{match.term}")'))
        for match in _find(self.tokens, self.rules.request_markers):
            asks.append((match.start, f'a request ("{match.term}")'))
        if not asks:
            return None
        asking = {_sentence_start(self.tokens, i) for i, _ in asks}
        if any(_sentence_start(self.tokens, m.start) not in asking for m in self.resolutions):
            return None
        return min(asks)[1]

    def greeting_only(self) -> str | None:
        greeting = self.first(self.rules.greeting_markers)
        if greeting is None or self.resolutions:
            return None
        covered: set[int] = set()
        for match in (
            *_find(self.tokens, self.rules.greeting_markers),
            *self.thanks,
        ):
            covered.update(range(match.start, match.end))
        filler = {t for w in self.rules.filler_words for t in phrase_tokens(w)}
        rest = [
            t
            for i, t in enumerate(self.tokens)
            if i not in covered and is_word(t) and t not in filler
        ]
        return None if rest else greeting.term

    def mentions(self, thanker: str) -> list[tuple[int, str]]:
        """Mentioned users (other than the thanker) with their position, skipping cc's."""
        cc = {t for w in self.rules.cc_markers for t in phrase_tokens(w)}
        found: list[tuple[int, str]] = []
        for i, token in enumerate(self.tokens):
            if not token.startswith(MENTION_PREFIX) or token[1:] == thanker:
                continue
            previous = [t for t in self.tokens[max(0, i - 3) : i] if is_word(t)]
            if previous and previous[-1] in cc:
                continue
            found.append((i, token[1:]))
        return found

    def mentions_self(self, thanker: str) -> bool:
        return MENTION_PREFIX + thanker in self.tokens

    def nearest(self, mentions: list[tuple[int, str]]) -> str:
        anchors = [m.start for m in self.thanks] + [m.start for m in self.resolutions]

        def distance(item: tuple[int, str]) -> tuple[int, int]:
            position = item[0]
            gap = min((abs(position - a) for a in anchors), default=0)
            # On a tie, "thanks @alice" (after) wins over "@bob thanks".
            return gap, 0 if any(position > a for a in anchors) else 1

        return min(mentions, key=distance)[1]


def _no(reason: str) -> ThanksVerdict:
    return ThanksVerdict(is_thanks=False, helper=None, reason=reason)


def detect_thanks(
    message: ThreadMessage, earlier: Sequence[ThreadMessage], rules: ThanksRules
) -> ThanksVerdict:
    """Does ``message`` (a thread reply) thank someone for help, and whom?

    ``earlier`` holds the earlier messages of the same thread, parent first, oldest
    first. The verdict names the helper's user id and gives a one-sentence reason.
    """
    decided = _text_verdict(message, rules)
    if isinstance(decided, ThanksVerdict):
        return decided
    reading, mentioned = decided
    who, said = f"<@{message.user}>", f'"{_snippet(message.text)}"'
    return _helper_verdict(message, earlier, reading, mentioned, who, said)


def verdict_from_text(message: ThreadMessage, rules: ThanksRules) -> ThanksVerdict | None:
    """The verdict on ``message`` when its text alone decides it (rules 1-11: a "no",
    the same as :func:`detect_thanks` gives with any thread), else None: then finding
    the helper (rule 12) needs the earlier messages of the thread.
    """
    decided = _text_verdict(message, rules)
    return decided if isinstance(decided, ThanksVerdict) else None


def _text_verdict(
    message: ThreadMessage, rules: ThanksRules
) -> ThanksVerdict | tuple[_Reading, list[tuple[int, str]]]:
    """Rules 1-11, which read the message alone: a "no", or what rule 12 needs."""
    who = f"<@{message.user}>"
    said = f'"{_snippet(message.text)}"'
    if message.is_bot:
        return _no(f"{who} is a bot, and bots never thank anyone for help.")
    if not rules.enabled:
        return _no("Thank-you detection is turned off.")
    reading = _Reading(message, rules)
    if not reading.thanks and not reading.resolutions:
        return _no(f"{who} said {said}, which does not thank anyone.")
    if reading.word_count > rules.max_words:
        return _no(
            f"{who}'s message is {reading.word_count} words long, more than the "
            f"{rules.max_words} of a thank-you, so it is about something else."
        )
    checks = (
        (rules.sarcasm_markers, "reads as sarcasm or a refusal"),
        (rules.reply_markers, "answers a thank-you rather than giving one"),
        (rules.anticipation_markers, "thanks in advance for help not given yet"),
        (rules.failure_markers, "says the help did not work"),
    )
    for markers, meaning in checks:
        if (found := reading.first(markers)) is not None:
            return _no(f'{who} said {said}, which {meaning} ("{found.term}").')
    if reading.failure is not None:
        return _no(
            f'{who} said {said}, which says the help did not work (not "{reading.failure}").'
        )
    if (asking := reading.asking()) is not None:
        return _no(f"{who} said {said}, which is {asking}, not a thank-you for help given.")
    if (found := reading.first(rules.courtesy_markers)) is not None:
        return _no(f'{who} said {said}, a courtesy rather than thanks for help ("{found.term}").')
    mentioned = reading.mentions(message.user)
    if not mentioned and (greeting := reading.greeting_only()) is not None:
        return _no(f'{who} said {said}, only a greeting or sign-off ("{greeting}").')
    if (found := reading.first(rules.self_solved_markers)) is not None:
        return _no(f'{who} said {said}, which says they solved it alone ("{found.term}").')
    return reading, mentioned


def _helper_verdict(
    message: ThreadMessage,
    earlier: Sequence[ThreadMessage],
    reading: _Reading,
    mentioned: list[tuple[int, str]],
    who: str,
    said: str,
) -> ThanksVerdict:
    bots = {m.user for m in earlier if m.is_bot}
    if mentioned:
        people = [item for item in mentioned if item[1] not in bots]
        if not people:
            return _no(f"{who} said {said} to <@{mentioned[0][1]}>, a bot; bots earn no credit.")
        helper = reading.nearest(people)
        return ThanksVerdict(True, helper, f"{who} said {said} mentioning <@{helper}>.")
    if reading.mentions_self(message.user):
        return _no(f"{who} said {said} to themselves; nobody credits themselves.")
    previous = next((m for m in reversed(earlier) if m.user != message.user), None)
    if previous is None:
        return _no(f"{who} said {said}, but nobody else has written in the thread to thank.")
    if previous.is_bot:
        return _no(f"{who} said {said} replying to <@{previous.user}>, a bot; bots earn no credit.")
    return ThanksVerdict(True, previous.user, f"{who} said {said} replying to <@{previous.user}>.")
