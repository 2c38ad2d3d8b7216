"""Is a Slack thread reply a thank-you, and whom does it thank?

(Over 300 lines: the rules and the reading they share stay in one module, so that one
file tells the whole decision; choosing the helper is in :mod:`scoring.thanks_helper`.)

:func:`detect_thanks` reads one reply against the earlier messages of its thread and
says whether it suggests crediting someone, whom (a Slack user id, never a name) and
why, in one sentence a team lead can read. It only *suggests*: a team lead decides.

The programme's decisions (what the credit programme counts as a contribution):

- thanks for help that worked is a contribution, in any of the built-in languages
  (:mod:`scoring.thanks_languages`), short, misspelt ("thnaks") or implicit ("you're a
  legend", "that did the trick");
- thanks for a bug report, a review, a translation or a docs fix is a contribution:
  a maintainer's "thanks for reporting!" credits the reporter;
- thanks followed by a new question counts when the thanks is for help already given:
  it comes first, after someone's answer, by someone who asked in the thread ("thanks
  Kofi. Can staff also see ...?", "that fixed it! why was it off?"); a thanks that
  only closes the new question ("Can staff also edit? thanks") is politeness, and so
  is one with "but" or "though" ("thanks! where is the .env though?");
- not a contribution: thanks to the whole channel ("thanks all"), to a bot, to someone
  outside the thread, thanks in advance, sarcastic thanks (a marker, a mocking emoji,
  or damage told with no news that it worked: "thanks, now the cluster is down"),
  thanks for help that failed ("thanks anyway", "thanks, but ...", "still 401",
  "leider weiterhin"), thanks to a thing ("thanks to the new cache"), thanks passed
  on for someone else ("Ana says thanks"), a helper thanking the asker for details,
  courtesies and greetings.

The first rule that applies decides:

1. a bot's message, or detection turned off: no;
2. no thanks in it (a phrase, a misspelling of a thank-you word
   (:mod:`scoring.thanks_fuzzy`), a thank-you emoji, or news
   that the help worked, a *resolution*): no. "The thanks page" names a thing: no;
3. longer than ``max_words``: no; a long message that says thanks is about something else;
4. sarcasm or a refusal ("thanks for nothing", "/s", "no thanks");
5. a reply to a thank-you ("you're welcome", "glad it helped");
6. thanks in advance ("tia", "any help would be appreciated");
7. the help failed ("didn't work", "thanks anyway", or a negation shortly before
   fixed/worked/helped, "that hasn't fixed it");
8. thanks passed on ("says thanks") or said to a bot ("thanks bot");
9. a question or a request ("could someone help? thanks"), unless the thanks comes
   first (in an earlier sentence or as its first words) or another sentence says the
   help worked; such a follow-up then credits only someone the thanker mentions or
   who answered the thanker in the thread;
9b. the help fell short: "but"/"though" right after the thanks (or anywhere in a
   follow-up), "still ..." or damage ("is down"), each with no news that it worked;
10. a courtesy ("thanks for asking", "thanks for the welcome");
11. thanks to the whole channel ("thanks everyone"), unless it mentions someone;
12. a greeting or sign-off and nothing else ("hi all, thanks"), unless it names someone;
13. solved alone ("never mind, figured it out myself");
14. then the helper, chosen by :func:`scoring.thanks_helper.choose_helper`: a mention of
    a participant, a participant's name, the one quoted or whose command is repeated, a
    reference in words, the reporter of a thanked report, else the latest substantive
    answer by someone else. Nobody, an outsider or a bot: no.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

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
from scoring.thanks_fuzzy import misspelling_of
from scoring.thanks_helper import Thanks, choose_helper
from scoring.thanks_helper import ThreadMessage as ThreadMessage  # where callers find it
from scoring.thanks_languages import LANGUAGES, words_of
from scoring.thanks_languages_extra import (
    CONTRAST_WORDS,
    DAMAGE_MARKERS,
    EXTRA,
    STILL_WORDS,
)

SNIPPET_LENGTH = 80


@dataclass(frozen=True)
class ThanksVerdict:
    """Whether a message suggests crediting ``helper`` (a user id), and why, in a sentence."""

    is_thanks: bool
    helper: str | None
    reason: str
    others: tuple[str, ...] = ()
    """Other people thanked with the helper ("thanks @ana and @bob"): a lead picks one."""
    rule: str = ""
    """The rule that decided, for ``creditbot thanks stats`` (``mention``, ``name``...)."""
    phrase: str = ""
    """The thank-you phrase (or news that the help worked) the message was read by."""


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


_ENGLISH = {
    "phrases": words.THANKS_PHRASES,
    "resolution_phrases": words.RESOLUTION_PHRASES,
    "anticipation_markers": words.ANTICIPATION_MARKERS,
    "failure_markers": words.FAILURE_MARKERS,
    "sarcasm_markers": words.SARCASM_MARKERS,
    "reply_markers": words.REPLY_MARKERS,
    "channel_markers": words.CHANNEL_MARKERS,
}


def _built_in(role: str, languages: Iterable[str] | None = None) -> tuple[str, ...]:
    """English and the other languages' words of ``role``, each once (by its tokens)."""
    english = (*_ENGLISH[role], *EXTRA["en"].get(role, ()))
    return merge_terms((*english, *words_of(role, languages)))


@dataclass(frozen=True)
class ThanksRules:
    """What counts as thanks, and what rules it out. Defaults: :mod:`scoring.thanks_words`."""

    phrases: tuple[str, ...] = _built_in("phrases")
    resolution_phrases: tuple[str, ...] = _built_in("resolution_phrases")
    short_phrases: tuple[str, ...] = words.SHORT_PHRASES
    emoji: tuple[str, ...] = words.THANKS_EMOJI
    question_markers: tuple[str, ...] = words.QUESTION_MARKERS
    anticipation_markers: tuple[str, ...] = _built_in("anticipation_markers")
    request_markers: tuple[str, ...] = words.REQUEST_MARKERS
    sarcasm_markers: tuple[str, ...] = _built_in("sarcasm_markers")
    reply_markers: tuple[str, ...] = _built_in("reply_markers")
    courtesy_markers: tuple[str, ...] = words.COURTESY_MARKERS
    failure_markers: tuple[str, ...] = _built_in("failure_markers")
    greeting_markers: tuple[str, ...] = words.GREETING_MARKERS
    filler_words: tuple[str, ...] = words.FILLER_WORDS
    self_solved_markers: tuple[str, ...] = words.SELF_SOLVED_MARKERS
    negators: tuple[str, ...] = words.NEGATORS
    contrast_words: tuple[str, ...] = CONTRAST_WORDS
    """Right after a thank-you ("thanks, but ..."), the help fell short."""
    still_words: tuple[str, ...] = STILL_WORDS
    damage_markers: tuple[str, ...] = DAMAGE_MARKERS
    """ "thanks, now the whole cluster is down": with no news that it worked, sarcasm."""
    """ "Still ..." with no news that the help worked: the problem remains."""
    success_words: tuple[str, ...] = words.SUCCESS_WORDS
    cc_markers: tuple[str, ...] = words.CC_MARKERS
    contribution_markers: tuple[str, ...] = words.CONTRIBUTION_MARKERS
    reported_markers: tuple[str, ...] = words.REPORTED_MARKERS
    channel_markers: tuple[str, ...] = _built_in("channel_markers")
    bot_markers: tuple[str, ...] = words.BOT_MARKERS
    max_words: int = 120
    """Longer messages are not thank-yous."""
    short_message_words: int = 5
    """``short_phrases`` ("cheers", "solved") count only in messages of at most this many words."""
    negation_window: int = 3
    """A negator up to this many words before a success word ("hasn't fixed") is a failure."""
    enabled: bool = True


@dataclass(frozen=True)
class _Match:
    term: str
    start: int
    end: int


@lru_cache(maxsize=128)
def _index(terms: tuple[str, ...]) -> dict[str, list[tuple[tuple[str, ...], str]]]:
    """The terms by their first token: a message is scanned once, whatever their number."""
    index: dict[str, list[tuple[tuple[str, ...], str]]] = {}
    for term in terms:
        if wanted := phrase_tokens(term):
            index.setdefault(wanted[0], []).append((wanted, term))
    return index


def _find(tokens: Sequence[str], terms: Iterable[str]) -> list[_Match]:
    index = _index(terms if isinstance(terms, tuple) else tuple(terms))
    found: list[_Match] = []
    for start, token in enumerate(tokens):
        for wanted, term in index.get(token, ()):
            if tuple(tokens[start : start + len(wanted)]) == wanted:
                found.append(_Match(term, start, start + len(wanted)))
    return sorted(found, key=lambda m: (m.start, -m.end))


_THANKS_LETTERS = frozenset("thanks")


def _misspelt_thanks(token: str) -> bool:
    """ "thnaks", "thansk", "tahnks", "thaks": the letters of "thanks", typed in a hurry."""
    return (
        4 <= len(token) <= 7
        and token[0] == "t"
        and "h" in token
        and "k" in token
        and set(token) <= _THANKS_LETTERS
    )


def _sentence_start(tokens: Sequence[str], index: int) -> int:
    """Where the sentence holding ``tokens[index]`` starts (a "?" ends its sentence)."""
    start = index
    while (
        start > 0
        and tokens[start - 1] not in (BOUNDARY, QUESTION)
        and not emoji_name(tokens[start - 1])
    ):
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
        resolved = bool(_find(self.tokens, rules.resolution_phrases))
        self.thanks += [
            m
            for m in _find(self.tokens, rules.short_phrases)
            if short or (resolved and not self._signs_off_an_answer(m)) or self._addresses(m.end)
        ]
        known = {m.start for m in self.thanks}
        self.thanks += [
            _Match(token, i, i + 1)
            for i, token in enumerate(self.tokens)
            if i not in known and (_misspelt_thanks(token) or misspelling_of(token))
        ]
        self.thanks = [m for m in self.thanks if not self._incidental(m)]
        self.thanks += [
            _Match(token, i, i + 1)
            for i, token in enumerate(self.tokens)
            if (name := emoji_name(token)) is not None
            and (name in emoji or self._names_a_phrase(name))
        ]
        self.follow_up = False
        resolutions = _find(self.tokens, rules.resolution_phrases)
        if self.thanks:
            # Beside a thank-you, "retries work", "Django admin worked" is news too.
            resolutions += [
                _Match(token, i, i + 1)
                for i, token in enumerate(self.tokens)
                if token in words.NEWS_WORDS and not self._in_question(i)
            ]
        self.resolutions = [m for m in resolutions if not self._negated(m.start)]
        self.failure = next(
            (t for i, t in enumerate(self.tokens) if t in rules.success_words and self._negated(i)),
            None,
        )

    def _in_question(self, index: int) -> bool:
        end = index
        while end < len(self.tokens) and self.tokens[end] not in (BOUNDARY, QUESTION):
            end += 1
        return end < len(self.tokens) and self.tokens[end] == QUESTION

    def _incidental(self, match: _Match) -> bool:
        # "the thanks page", "a thank-you email": the word names a thing.
        if not match.term.lower().startswith("thank"):
            return False
        before = self.tokens[match.start - 1] if match.start > 0 else ""
        after = self.tokens[match.end] if match.end < len(self.tokens) else ""
        # "thanks to the new cache": the cause of something, not a person thanked.
        then = self.tokens[match.end + 1] if match.end + 1 < len(self.tokens) else ""
        if after == "to" and (then in words.INCIDENTAL_BEFORE or then.endswith("'s")):
            return True
        return before in words.INCIDENTAL_BEFORE or after in words.INCIDENTAL_AFTER

    def _addresses(self, index: int) -> bool:
        # "Cheers <@U1>": said to someone.
        return index < len(self.tokens) and self.tokens[index].startswith(MENTION_PREFIX)

    def _signs_off_an_answer(self, match: _Match) -> bool:
        # "... try `--force`. Cheers": the last word of an answer, not of news it worked.
        return match.end >= len(self.tokens) and not any(
            m.start < match.start for m in _find(self.tokens, self.rules.resolution_phrases)
        )

    def fell_short(self) -> str | None:
        """ "thanks, but ...", or "still ..." with no news that the help worked."""
        if self.resolutions:
            return None
        contrast = set(self.rules.contrast_words)
        if self.follow_up and contrast & set(self.tokens) & set(words.AFTERTHOUGHTS):
            return next(t for t in self.tokens if t in words.AFTERTHOUGHTS)
        for match in self.thanks:
            following = [t for t in self.tokens[match.end : match.end + 4] if is_word(t)]
            if any(t in contrast for t in following[:3]):
                return next(t for t in following if t in contrast)
        if (damage := self.first(self.rules.damage_markers)) is not None:
            return damage.term
        success = set(self.rules.success_words)
        for i, token in enumerate(self.tokens):
            if token in self.rules.still_words and not success & set(self.tokens[i + 1 : i + 3]):
                return token
        return None

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
        first_ask = min(asks)
        said = [m.start for m in self.thanks if m.term not in self.rules.short_phrases]
        asked = _sentence_start(self.tokens, first_ask[0])
        if (said and min(said) < asked) or self._thanks_opens(first_ask[0]):
            # "Thanks Kofi. Can staff also see ...?": thanks for help given, then a new
            # question; "Can staff also see ...? thanks" only closes the question.
            self.follow_up = True
            return None
        return first_ask[1]

    def _thanks_opens(self, ask: int) -> bool:
        """A thank-you among the first words of the sentence that then asks."""
        start = _sentence_start(self.tokens, ask)
        return any(
            start <= m.start < ask and m.start - start <= 2
            for m in self.thanks
            if m.term not in self.rules.short_phrases
        )

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

    def to_channel(self) -> _Match | None:
        """ "Thanks all", but not "thanks, all good now"."""
        for match in _find(self.tokens, self.rules.channel_markers):
            after = self.tokens[match.end] if match.end < len(self.tokens) else ""
            if after not in words.NOT_A_GROUP:
                return match
        return None

    def said_thanks(self) -> str:
        """The first thank-you phrase (or news that the help worked), "" for none."""
        found = sorted((*self.thanks, *self.resolutions), key=lambda m: m.start)
        return found[0].term if found else ""

    def mentions_self(self, thanker: str) -> bool:
        return MENTION_PREFIX + thanker in self.tokens


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


def language_rules(disabled: Iterable[str]) -> ThanksRules:
    """The default rules without the built-in words of the ``disabled`` languages."""
    off = set(disabled)
    kept = [code for code in LANGUAGES if code not in off]
    return ThanksRules(
        phrases=_built_in("phrases", kept),
        resolution_phrases=_built_in("resolution_phrases", kept),
        anticipation_markers=_built_in("anticipation_markers", kept),
        failure_markers=_built_in("failure_markers", kept),
        sarcasm_markers=_built_in("sarcasm_markers", kept),
        reply_markers=_built_in("reply_markers", kept),
        channel_markers=_built_in("channel_markers", kept),
    )


def verdict_from_text(message: ThreadMessage, rules: ThanksRules) -> ThanksVerdict | None:
    """The verdict on ``message`` when its text alone decides it (rules 1-13: a "no",
    the same as :func:`detect_thanks` gives with any thread), else None: then finding
    the helper (rule 14) needs the earlier messages of the thread.
    """
    decided = _text_verdict(message, rules)
    return decided if isinstance(decided, ThanksVerdict) else None


def _text_verdict(
    message: ThreadMessage, rules: ThanksRules
) -> ThanksVerdict | tuple[_Reading, list[tuple[int, str]]]:
    """Rules 1-13, which read the message alone: a "no", or what rule 14 needs."""
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
        (rules.reported_markers, "passes on someone else's thanks"),
        (rules.bot_markers, "thanks a bot, and bots earn no credit"),
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
    if (short := reading.fell_short()) is not None:
        return _no(f'{who} said {said}, which says the help fell short ("{short}").')
    if (found := reading.first(rules.courtesy_markers)) is not None:
        return _no(f'{who} said {said}, a courtesy rather than thanks for help ("{found.term}").')
    mentioned = reading.mentions(message.user)
    if not mentioned and (found := reading.to_channel()) is not None:
        return _no(f'{who} said {said}, thanks to the whole channel ("{found.term}").')
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
    if not mentioned and reading.mentions_self(message.user):
        return _no(f"{who} said {said} to themselves; nobody credits themselves.")
    if reading.follow_up and not mentioned and all(m.user != message.user for m in earlier):
        return _no(f"{who} said {said}, thanks with a question of their own, not after help.")
    rules = reading.rules
    thanks = Thanks(
        message=message,
        tokens=reading.tokens,
        anchors=tuple(m.start for m in (*reading.thanks, *reading.resolutions)),
        mentions=tuple(mentioned),
        contribution=reading.first(rules.contribution_markers) is not None,
        is_thanks=lambda text: bool(_Reading(ThreadMessage("", text, ""), rules).said_thanks()),
    )
    choice = choose_helper(thanks, earlier)
    if choice.helper is None:
        return _no(f"{who} said {said} {choice.why}.")
    also = ", ".join(f"<@{user}>" for user in choice.others)
    return ThanksVerdict(
        True,
        choice.helper,
        f"{who} said {said}, {choice.why}" + (f" (also thanked: {also})." if also else "."),
        others=choice.others,
        rule=choice.rule,
        phrase=reading.said_thanks(),
    )
