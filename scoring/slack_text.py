"""Slack message text reduced to comparable tokens.

Slack sends a message's ``text`` with its markup in place: ``<@U123|name>`` mentions,
``<https://...|label>`` links, ``<#C123|channel>``, ``:emoji:`` shortcodes, code in
backticks, ``&gt;`` quotes and ``&amp;``/``&lt;``/``&gt;`` escapes. :func:`tokenise`
turns that into lower-case word tokens that ignore case, punctuation, repeated letters
("thaaanks"), accents ("gracías", "cảm ơn" is "cam on") and missing apostrophes ("didnt"),
in any script. Chinese, Japanese and Korean characters are one token each, so a phrase
in those scripts matches inside a longer run without spaces. Three kinds of special tokens:

- ``@U123``: a mention of that user (the display name after ``|`` is dropped);
- ``:pray:``: an emoji, also for the Unicode characters listed in ``_UNICODE_EMOJI``;
- ``?``, ``.`` and ``/s``: a question mark, a sentence boundary and the sarcasm tag.

Code, quoted lines and link targets are removed: what someone pasted or quoted is not
what they said.
"""

from __future__ import annotations

import html
import re
import unicodedata
from functools import lru_cache

MENTION_PREFIX = "@"
QUESTION = "?"
BOUNDARY = "."

_CODE_BLOCK = re.compile(r"```.*?(?:```|\Z)", re.S)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
_QUOTED_LINE = re.compile(r"^[ \t]*(?:>|&gt;).*$", re.M)
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")
_MARKUP = re.compile(r"<([^<>]*)>")
_ELONGATED = re.compile(r"([^\W\d_])\1{2,}")
# Scripts written without spaces between words (and Hangul, whose endings attach to
# the word): one character per token.
_CJK = "\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff"
_WORD_CHAR = rf"(?:(?![{_CJK}])[^\W_]|[\u0900-\u0dff])"  # letters; Indic vowel signs too
_TOKEN = re.compile(
    r"\ue000[uw][a-z0-9]+"  # a mention, rewritten by _without_markup
    r"|:[a-z0-9_+'-]+:"  # an emoji shortcode
    r"|(?<![\w/])/s(?![\w/])"  # the sarcasm tag
    r"|[?؟]"
    r"|[!;\n。।]|\.(?=\s|$)"  # sentence boundaries
    rf"|[{_CJK}]"
    rf"|{_WORD_CHAR}+(?:'{_WORD_CHAR}+)*"
)
# Accents and vowel marks, dropped: people type "gracias", "dziekuje", "tesekkurler".
_FOLDED = str.maketrans({"ı": "i", "ł": "l", "đ": "d", "ø": "o"})
_MARKS = re.compile("[\u0300-\u036f\u0591-\u05c7\u064b-\u065f\u0670]")
_UNICODE_EMOJI = {
    "🙏": "pray",
    "🙇": "bow",
    "🙌": "raised_hands",
    "👍": "+1",
    "👏": "clap",
    "🎉": "tada",
    "❤": "heart",
    "💯": "100",
    "🙄": "roll_eyes",
    "😒": "unamused",
    "😑": "expressionless",
    "🤦": "facepalm",
    "✅": "white_check_mark",
    "🤔": "thinking_face",
    "😂": "joy",
    "🤗": "hugging_face",
    "😊": "blush",
    "🙂": "slightly_smiling_face",
    "🙃": "upside_down_face",
    "🚀": "rocket",
    "😐": "neutral_face",
    "🫠": "melting_face",
    "😕": "confused",
    "🍺": "beer",
    "🍻": "beers",
    "🦸": "superhero",
    "🐐": "goat",
    "👌": "ok_hand",
    "😭": "sob",
    "🥲": "smiling_face_with_tear",
    "🫶": "heart_hands",
    "💀": "skull",
}
_INVISIBLE = dict.fromkeys(
    map(ord, "\ufe0f\u200d\U0001f3fb\U0001f3fc\U0001f3fd\U0001f3fe\U0001f3ff")
)
_APOSTROPHES = str.maketrans({"’": "'", "‘": "'", "´": "'", "ʼ": "'"})
_CONTRACTIONS = {
    "didnt": "didn't",
    "doesnt": "doesn't",
    "dont": "don't",
    "isnt": "isn't",
    "wasnt": "wasn't",
    "hasnt": "hasn't",
    "havent": "haven't",
    "arent": "aren't",
    "werent": "weren't",
    "cant": "can't",
    "couldnt": "couldn't",
    "wouldnt": "wouldn't",
    "shouldnt": "shouldn't",
    "thats": "that's",
    "youre": "you're",
    "im": "i'm",
    "ive": "i've",
    "its": "it's",
    "whats": "what's",
    "theres": "there's",
    "id": "i'd",
}


def _without_markup(text: str) -> str:
    text = _CODE_BLOCK.sub(" ", text)
    text = _INLINE_CODE.sub(" ", text)
    text = _QUOTED_LINE.sub(" ", text)
    # A private-use character marks real mentions, so a typed "@wendy" is not one.
    text = _MENTION.sub(lambda m: f" \ue000{m.group(1)} ", text)

    def _label(match: re.Match[str]) -> str:
        inside = match.group(1)
        # <https://...|the docs> keeps "the docs"; <#C1|general>, <!here> and bare URLs go.
        if "|" in inside and not inside.startswith(("#", "!")):
            return " " + inside.split("|", 1)[1] + " "
        return " "

    return html.unescape(_MARKUP.sub(_label, text))


@lru_cache(maxsize=16384)
def _normalise_token(token: str) -> str:
    if token[0] == "\ue000":
        return MENTION_PREFIX + token[1:].upper()
    if token in ("!", ";", "\n", ".", "。", "।"):
        return BOUNDARY
    if token == "؟":
        return QUESTION
    if token[0] == ":":
        return token
    token = _ELONGATED.sub(r"\1", token)
    return _CONTRACTIONS.get(token, token)


@lru_cache(maxsize=4096)
def tokenise(text: str) -> tuple[str, ...]:
    """The tokens of a Slack message's ``text`` (see the module docstring)."""
    text = _without_markup(text)
    text = unicodedata.normalize("NFKC", text).translate(_APOSTROPHES).translate(_INVISIBLE)
    for char, name in _UNICODE_EMOJI.items():
        text = text.replace(char, f" :{name}: ")
    text = unicodedata.normalize("NFC", _MARKS.sub("", unicodedata.normalize("NFD", text)))
    return tuple(
        _normalise_token(token)
        for token in _TOKEN.findall(text.lower().translate(_FOLDED))
        if not token.startswith(":skin-tone-")
    )


@lru_cache(maxsize=4096)
def phrase_tokens(phrase: str) -> tuple[str, ...]:
    """A configured phrase or marker as tokens, normalised like message text."""
    return tuple(t for t in tokenise(phrase) if t != BOUNDARY)


def is_word(token: str) -> bool:
    """True for an ordinary word (not a mention, emoji, question mark or boundary)."""
    return token[0] not in (MENTION_PREFIX, ":", QUESTION, BOUNDARY) and token != "/s"


def emoji_name(token: str) -> str | None:
    """``pray`` for the token ``:pray:``; None for anything else."""
    if len(token) > 2 and token[0] == ":" and token[-1] == ":":
        return token[1:-1]
    return None


def quoted_and_code(text: str) -> list[str]:
    """What a message quotes (``> ...`` lines) or pastes as code, each part flattened."""
    parts = [m.group(0).strip("`") for m in _CODE_BLOCK.finditer(text)]
    rest = _CODE_BLOCK.sub(" ", text)
    parts += [m.group(0).strip("`") for m in _INLINE_CODE.finditer(rest)]
    parts += [re.sub(r"^[ \t]*(?:>|&gt;)", "", m.group(0)) for m in _QUOTED_LINE.finditer(rest)]
    return [flat for part in parts if len(flat := flatten(part)) >= 4]


def flatten(text: str) -> str:
    """Lower case, markup escapes undone, runs of white space one space: for comparing."""
    return " ".join(html.unescape(text).lower().split())
