"""Near matches: a thank-you word typed in a hurry, a helper called by a short name.

- :func:`misspelling_of`: a word of five letters or more one edit (a letter added,
  dropped, changed, or two neighbours swapped) from a thank-you word of
  :data:`TARGETS` ("thanls",
  "thenks", "graciaz", "obrigdo"), unless the word is a real word of its own ("think",
  "thinks", "mercy"): those are in :data:`NOT_MISSPELLINGS`.
- :func:`short_forms`: the forms a first name is called by in chat: the first name
  itself, its first three letters or more ("Sofi", "Kat" for Katharina) and the common
  diminutives of :data:`DIMINUTIVES` ("Dima" for Dmitri, "Bob" for Robert).
"""

from __future__ import annotations

from functools import lru_cache

MIN_LENGTH = 5
"""Thank-you words shorter than this are not matched approximately ("thx" is not "the")."""

MIN_PREFIX = 3

TARGETS = (
    "thanks",
    "thankyou",
    "grateful",
    "gracias",
    "obrigado",
    "obrigada",
    "merci",
    "danke",
    "dankeschon",
    "grazie",
    "bedankt",
    "dankjewel",
    "dziekuje",
    "dzieki",
    "tesekkurler",
    "tesekkur",
    "makasih",
    "terimakasih",
    "asante",
    "shukriya",
    "dhanyavad",
    "спасибо",
    "благодарю",
    "дякую",
)
"""Thank-you words of five letters or more, each matched with one slip of the keyboard."""

NOT_MISSPELLINGS = frozenset(
    [
        "think",
        "thinks",
        "thank",
        "thanked",
        "thanos",
        "tanks",
        "thinks",
        "shanks",
        "hanks",
        "franks",
        "thanh",
        "thing",
        "things",
        "mercy",
        "dance",
        "grazia",
        "gracia",
        "legends",
        "legendary",
        "grateful",
        "hero",
        "heroes",
        "danker",
        "banke",
        "dank",
        "bedankt",
        "valeu",
    ]
)


def _one_edit(word: str, target: str) -> bool:
    """True when ``word`` is exactly one insertion, deletion, change or swap from ``target``."""
    if word == target or abs(len(word) - len(target)) > 1:
        return False
    if len(word) == len(target):
        diff = [i for i, (a, b) in enumerate(zip(word, target, strict=True)) if a != b]
        if len(diff) == 1:
            return True
        return (
            len(diff) == 2
            and diff[1] == diff[0] + 1
            and word[diff[0]] == target[diff[1]]
            and word[diff[1]] == target[diff[0]]
        )
    short, long = (word, target) if len(word) < len(target) else (target, word)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


@lru_cache(maxsize=16384)
def _misspelling(token: str, targets: tuple[str, ...]) -> str | None:
    if len(token) < MIN_LENGTH or token in NOT_MISSPELLINGS or not token.isalpha():
        return None
    for target in targets:
        if _one_edit(token, target):
            return target
    return None


def misspelling_of(token: str) -> str | None:
    """The thank-you word of :data:`TARGETS` that ``token`` misspells, or None."""
    return _misspelling(token, TARGETS)


# Prefixes of first names that are everyday words ("the" of Theodore, "man" of Manuel).
NOT_SHORT_NAMES = frozenset(
    [
        "the",
        "and",
        "for",
        "can",
        "not",
        "all",
        "but",
        "was",
        "are",
        "you",
        "his",
        "her",
        "our",
        "out",
        "man",
        "new",
        "now",
        "art",
        "any",
        "ale",
        "let",
        "mar",
        "may",
        "per",
        "pro",
        "con",
        "dev",
        "app",
        "log",
        "run",
        "use",
        "get",
        "set",
        "put",
        "add",
        "fix",
        "bug",
        "doc",
        "job",
        "key",
        "bot",
        "git",
        "api",
        "ser",
        "est",
        "una",
        "uno",
        "les",
        "des",
        "die",
        "der",
        "das",
        "von",
        "van",
        "mit",
        "und",
        "che",
        "sin",
    ]
)

DIMINUTIVES: dict[str, tuple[str, ...]] = {
    "dmitri": ("dima", "дима", "митя"),
    "dmitry": ("dima", "дима", "митя"),
    "dmitrii": ("dima", "дима"),
    "aleksandr": ("sasha", "саша", "sanya", "саня"),
    "alexander": ("sasha", "саша", "alex", "sandy", "xander"),
    "aleksei": ("lyosha", "леша", "alyosha"),
    "alexei": ("lyosha", "леша"),
    "mikhail": ("misha", "миша"),
    "ivan": ("vanya", "ваня"),
    "nikolai": ("kolya", "коля"),
    "sergei": ("seryozha", "серёжа", "сережа"),
    "sergey": ("seryozha", "сережа"),
    "vladimir": ("volodya", "vova", "вова", "володя"),
    "yevgeny": ("zhenya", "женя"),
    "evgeny": ("zhenya", "женя"),
    "ekaterina": ("katya", "катя"),
    "yekaterina": ("katya", "катя"),
    "elena": ("lena", "лена"),
    "anastasia": ("nastya", "настя"),
    "maria": ("masha", "маша"),
    "natalia": ("natasha", "наташа"),
    "olga": ("olya", "оля"),
    "tatiana": ("tanya", "таня"),
    "yuri": ("yura", "юра"),
    "pavel": ("pasha", "паша"),
    "oleksandr": ("sasha", "саша", "сашко"),
    "volodymyr": ("volodya", "вова"),
    "robert": ("bob", "rob", "bobby", "robbie"),
    "william": ("bill", "will", "billy", "liam"),
    "richard": ("rick", "dick", "rich", "ricky"),
    "james": ("jim", "jimmy", "jamie"),
    "elizabeth": ("liz", "beth", "lizzie", "betty"),
    "margaret": ("maggie", "meg", "peggy"),
    "katherine": ("kate", "katie", "kat"),
    "catherine": ("cathy", "kate", "cat"),
    "michael": ("mike", "mikey"),
    "jennifer": ("jen", "jenny"),
    "christopher": ("chris",),
    "christine": ("chris", "tina"),
    "daniel": ("dan", "danny"),
    "joseph": ("joe", "joey"),
    "thomas": ("tom", "tommy"),
    "anthony": ("tony",),
    "edward": ("ed", "eddie", "ted"),
    "francisco": ("paco", "pancho", "fran"),
    "jose": ("pepe",),
    "ignacio": ("nacho",),
    "guadalupe": ("lupe",),
    "manuel": ("manolo",),
    "jesus": ("chucho", "chuy"),
    "antonio": ("toni", "tono"),
    "giuseppe": ("beppe", "peppe"),
    "johannes": ("hannes", "jo"),
    "wolfgang": ("wolf",),
}


@lru_cache(maxsize=4096)
def short_forms(first_name: str) -> tuple[str, ...]:
    """Forms of ``first_name`` (lower case, one word) that a thank-you may use for it."""
    forms = list(DIMINUTIVES.get(first_name, ()))
    forms += [
        first_name[:n]
        for n in range(MIN_PREFIX, len(first_name))
        if first_name[:n] not in NOT_SHORT_NAMES
    ]
    return tuple(dict.fromkeys(forms))
