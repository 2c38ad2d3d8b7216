"""The ``/credit`` command: its text in, a request or a clear :class:`CommandError` out.

(Over 300 lines: the grammar of one command, ``/credit``, and its usage text stay
together so that they cannot disagree.)

Grammar (Slack sends users escaped as ``<@U123|name>`` because the manifest sets
``should_escape: true``)::

    /credit @user [@user ...] <type> [points] [note ...]   team leads only
    /credit me                                             your own credits
    /credit org <slug>                                     an organisation's month
    /credit quiet | unquiet                                no more reminders / again
    /credit lead <region> <category> [size] [-- note ...]  programme managers only
    /credit hide me | show me                              your own public listing
    /credit export me | forget me                          your data; its erasure
    /credit quiet credits | unquiet credits                no DM on each credit / again
    /credit revoke <credit id> <reason ...>                team leads only
    /credit standing                                       partners this month so far
    /credit help

Points, when given, are a whole number from 1 to the configured maximum; without
them the type's points apply. Nobody can credit themselves.

In ``/credit lead`` each value is one word or a phrase in double quotes
(``"instructional design"``; the curly quotes phones type work too); everything after a
``--`` (or the dash a phone makes of it, ``—``) is the note for the partner.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.bounds import parse_points, record_id, shown
from scoring.errors import CommandError, OutOfRange

_TOKEN = re.compile(r"<[^>]*>|\S+")
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_SPECIAL = re.compile(r"^<!(?:here|channel|everyone|subteam\^)[^>]*>$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_SUBCOMMANDS: tuple[str, ...] = ("help", "me", "org", "quiet", "unquiet", "lead", "standing")
_SUBCOMMANDS += ("hide", "show", "export", "forget", "revoke")  # people in control
_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201d": "\u201d", "\u201e": "\u201c"}
_NOTE_SEPARATORS = ("--", "\u2014", "\u2013")
LEAD_FIELD_MAX_CHARS = 60
LEAD_NOTE_MAX_CHARS = 2000
LEAD_USAGE = (
    "Write `/credit lead <region> <category> [size] [-- note]`, quoting values of several "
    'words, e.g. `/credit lead Africa "instructional design" "500 learners" -- '
    "Contact: Ms Ada, ada@school.example`."
)


@dataclass(frozen=True)
class HelpRequest:
    """``/credit help`` (or ``/credit`` alone from someone who may not credit)."""


@dataclass(frozen=True)
class MeRequest:
    """``/credit me``: the invoker's own credits."""


@dataclass(frozen=True)
class OrgRequest:
    """``/credit org <slug>``."""

    slug: str


@dataclass(frozen=True)
class QuietRequest:
    """``/credit quiet`` (``quiet=True``) or ``/credit unquiet`` (``quiet=False``)."""

    quiet: bool


@dataclass(frozen=True)
class CreditNoticesRequest:
    """``/credit quiet credits`` (``quiet=True``) or ``/credit unquiet credits``."""

    quiet: bool


@dataclass(frozen=True)
class SelfServiceRequest:
    """``/credit hide|show|export|forget me``: about the invoker's own record only."""

    action: str


@dataclass(frozen=True)
class RevokeRequest:
    """``/credit revoke <credit id> <reason>`` (team leads)."""

    credit_id: int
    reason: str


@dataclass(frozen=True)
class StandingRequest:
    """``/credit standing``: every partner (programme managers) or your own (contacts)."""


@dataclass(frozen=True)
class CreditRequest:
    """Credit each of ``users`` (Slack ids, in the order given) with one contribution."""

    users: tuple[str, ...]
    type: str
    points: int | None
    note: str


@dataclass(frozen=True)
class LeadCommand:
    """``/credit lead``: give a lead to the next partner in the rotation (programme
    managers only). ``note`` goes to the chosen partner only."""

    region: str
    category: str
    size: str | None
    note: str


CreditCommand = (
    HelpRequest
    | MeRequest
    | OrgRequest
    | QuietRequest
    | CreditRequest
    | LeadCommand
    | CreditNoticesRequest
    | SelfServiceRequest
    | RevokeRequest
    | StandingRequest
)
SELF_SERVICE = ("hide", "show", "export", "forget")


def usage(type_names: Sequence[str], max_points: int) -> str:
    """How to write ``/credit``, with the configured types and the points bound."""
    return (
        "*How to use /credit*\n"
        f"• `/credit @user [@user …] <type> [points] [note]` (team leads): credit one or more "
        f"people now. Points are a whole number from 1 to {max_points}; without them the "
        "type's points apply.\n"
        f"  Types: {', '.join(type_names)}\n"
        "  Example: `/credit @alice @bob review 3 reviewed the 2.0 release`\n"
        "• `/credit me`: your credits this month and all time, and your organisation's rank\n"
        "• `/credit org <slug>`: an organisation's points and rank this month\n"
        "• `/credit quiet` / `/credit unquiet`: stop or restart friendly reminders\n"
        "• `/credit lead <region> <category> [size] [-- note]` (programme managers): give a "
        "client lead to the partner next in the fair rotation; quote values of several "
        "words, the note after `--` goes to that partner only.\n"
        '  Example: `/credit lead Africa "instructional design" "500 learners" -- '
        "Contact: Ms Ada, ada@school.example`\n"
        "• `/credit hide me` / `/credit show me`: leave your name out of (or back in) "
        "shout-outs and public pages; your points still count\n"
        "• `/credit export me`: everything I hold about you, as a file by direct message\n"
        "• `/credit forget me`: erase what I hold about you (asks for a confirmation)\n"
        "• `/credit quiet credits` / `/credit unquiet credits`: no message each time you are "
        "credited / messages again\n"
        "• `/credit revoke <credit id> <reason>` (team leads): withdraw a credit; the ids are "
        "in `/credit me` and the App Home\n"
        "• `/credit standing` (programme managers and partners' contacts): where the "
        "partners (or your own organisation) stand this month so far, against the minimums\n"
        "• `/credit help`: this message"
    )


def parse_credit_command(
    text: str,
    *,
    invoker: str,
    is_team_lead: bool,
    type_names: Sequence[str],
    max_points: int,
    is_program_manager: bool = False,
) -> CreditCommand:
    """Understand the text of one ``/credit`` command sent by ``invoker``.

    Raises :class:`CommandError` with what was wrong and the usage; a refusal (not a
    team lead, crediting yourself, a lead from someone who is not a programme manager)
    carries a short hint instead of the full usage.
    """
    how = usage(type_names, max_points)
    matches = list(_TOKEN.finditer(text or ""))
    if not matches:
        if not is_team_lead:
            return HelpRequest()
        raise CommandError("Tell me who to credit and for what.", how)
    first = matches[0].group().lower()
    if first == "lead":
        if not is_program_manager:
            raise CommandError(
                "Only programme managers can give leads with /credit lead; nothing was stored.",
                "Type `/credit help` for everything /credit can do.",
            )
        return parse_lead(text[matches[0].end() :])
    if first in (*SELF_SERVICE, "revoke") or (
        first in ("quiet", "unquiet")
        and len(matches) > 1
        and matches[1].group().lower() == "credits"
    ):
        return parse_people_command(first, text[matches[0].end() :], is_team_lead=is_team_lead)
    if first in _SUBCOMMANDS:
        return _subcommand(first, [m.group() for m in matches[1:]], how)
    if not is_team_lead:
        raise CommandError(
            "Only team leads can credit people with /credit. "
            "You can see your own credits with `/credit me`, or nominate a helpful message "
            "with a reaction so the team leads are asked about it.",
            "Type `/credit help` for everything /credit can do.",
        )
    return _credit_request(text, matches, invoker, type_names, max_points, how)


def _credited_users(matches: Sequence[re.Match[str]], how: str) -> tuple[list[str], int]:
    """The people a credit names first (each once), and the index of the token after them."""
    users: list[str] = []
    index = 0
    while index < len(matches):
        token = matches[index].group()
        user = _USER.match(token)
        if user is None:
            if _SPECIAL.match(token):
                raise CommandError(
                    "@here, @channel and user groups cannot be credited; name each person.",
                    how,
                )
            break
        if user.group(1) not in users:
            users.append(user.group(1))
        index += 1
    return users, index


def _credit_request(
    text: str,
    matches: Sequence[re.Match[str]],
    invoker: str,
    type_names: Sequence[str],
    max_points: int,
    how: str,
) -> CreditRequest:
    """``/credit @person [@more] <type> [points] [note]`` from a team lead."""
    users, index = _credited_users(matches, how)
    if not users:
        token = matches[0].group()
        if token.startswith("@"):
            raise CommandError(
                f"I could not read '{token}' as a Slack user: pick the person from the list "
                "Slack offers while you type, so the name turns into a link.",
                how,
            )
        raise CommandError(f"Start with the person to credit, not '{token}'.", how)
    if invoker in users:
        raise CommandError(
            "You cannot credit yourself; ask another team lead.",
            "Type `/credit help` for everything /credit can do.",
        )
    if index >= len(matches):
        raise CommandError(
            f"Which kind of contribution? Add a type after the "
            f"{'people' if len(users) > 1 else 'person'}.",
            how,
        )
    type_token = matches[index].group()
    type_name = type_token.lower()
    if type_name not in type_names:
        raise CommandError(
            f"Unknown contribution type '{type_token}'; known types: {', '.join(type_names)}.",
            how,
        )
    index += 1
    points: int | None = None
    if index < len(matches) and _NUMBER.match(matches[index].group()):
        raw = matches[index].group()
        try:
            points = parse_points(raw, max_points)
        except OutOfRange as error:  # error.value is cut short: a 5,000-digit number is not
            raise CommandError(
                f"Points must be a whole number from 1 to {max_points}, not '{error.value}'.", how
            ) from None
        index += 1
    note = text[matches[index].start() :].strip() if index < len(matches) else ""
    return CreditRequest(users=tuple(users), type=type_name, points=points, note=note)


def _subcommand(name: str, rest: list[str], how: str) -> CreditCommand:
    if name == "help":
        return HelpRequest()
    if name == "me":
        return MeRequest()
    if name == "quiet":
        return QuietRequest(quiet=True)
    if name == "unquiet":
        return QuietRequest(quiet=False)
    if name == "standing":
        if rest:
            raise CommandError("Write `/credit standing` alone; it takes no more words.", how)
        return StandingRequest()
    if not rest:
        raise CommandError("Which organisation? Write `/credit org <slug>`.", how)
    if len(rest) > 1:
        raise CommandError(f"One organisation at a time, e.g. `/credit org {rest[0]}`.", how)
    return OrgRequest(slug=rest[0].lower())


def parse_lead(text: str) -> LeadCommand:
    """The arguments of ``/credit lead`` (the text after ``lead``).

    Raises :class:`CommandError` saying what was wrong, with the lead's usage.
    """
    values, note = _lead_values(text)
    if not values:
        raise CommandError("Which region and category is the lead for?", LEAD_USAGE)
    if len(values) == 1:
        raise CommandError(
            f"Which category (hosting, development, ...) is the lead in {values[0]} for?",
            LEAD_USAGE,
        )
    if len(values) > 3:
        extra = " ".join(values[3:])
        raise CommandError(
            f"I read region '{values[0]}', category '{values[1]}', size '{values[2]}', "
            f"and then '{extra}': quote a value of several words, and put the note after `--`.",
            LEAD_USAGE,
        )
    for what, value in zip(("region", "category", "size"), values, strict=False):
        if value.startswith("<") and value.endswith(">"):
            raise CommandError(
                f"'{value}' is a Slack mention or link, not a {what}; write it as words, "
                "e.g. Europe, hosting.",
                LEAD_USAGE,
            )
        if not any(c.isalnum() for c in value):
            raise CommandError(f"'{value}' is not a {what}; write it as words.", LEAD_USAGE)
        if len(value) > LEAD_FIELD_MAX_CHARS:
            raise CommandError(
                f"The {what} is {len(value)} characters long; at most "
                f"{LEAD_FIELD_MAX_CHARS}. Put the details in the note, after `--`.",
                LEAD_USAGE,
            )
    if len(note) > LEAD_NOTE_MAX_CHARS:
        raise CommandError(
            f"The note is {len(note)} characters long; at most {LEAD_NOTE_MAX_CHARS}.",
            LEAD_USAGE,
        )
    values = [_unescape(value) for value in values]
    return LeadCommand(
        region=values[0],
        category=values[1],
        size=values[2] if len(values) > 2 else None,
        note=note,
    )


def _unescape(value: str) -> str:
    """Slack escapes ``&``, ``<`` and ``>`` in a command's text; a region or category is
    compared with the partners' profiles as typed (the note stays as Slack shows it)."""
    return value.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def _lead_values(text: str) -> tuple[list[str], str]:
    """Words and quoted phrases up to a ``--`` separator; the note after it."""
    values: list[str] = []
    index, end = 0, len(text)
    while True:
        while index < end and text[index].isspace():
            index += 1
        if index >= end:
            return values, ""
        opener = text[index]
        if opener in _QUOTES:
            closer = text.find(_QUOTES[opener], index + 1)
            if opener != '"' and closer < 0:  # phones mix the curly quotes up
                closer = min(
                    (i for i in (text.find(q, index + 1) for q in _QUOTES) if i >= 0), default=-1
                )
            if closer < 0:
                raise CommandError(f"A quote is not closed: {text[index:].strip()}", LEAD_USAGE)
            value = " ".join(text[index + 1 : closer].split())
            if not value:
                raise CommandError('An empty value in quotes ("").', LEAD_USAGE)
            values.append(value)
            index = closer + 1
            continue
        start = index
        while index < end and not text[index].isspace():
            index += 1
        word = text[start:index]
        if word in _NOTE_SEPARATORS:
            return values, text[index:].strip()
        values.append(word)


HELP_HINT = "Type `/credit help` for everything /credit can do."


def parse_people_command(name: str, rest: str, *, is_team_lead: bool) -> CreditCommand:
    """``hide|show|export|forget me``, ``quiet|unquiet credits`` and ``revoke`` (``rest``
    is the text after the subcommand's name).

    Raises :class:`CommandError` saying why and how to write it right.
    """
    words = rest.split()
    if name in SELF_SERVICE:
        if [w.lower() for w in words] == ["me"]:
            return SelfServiceRequest(action=name)
        if words and _USER.match(words[0]):
            raise CommandError(
                f"You can only {name} your own record: write `/credit {name} me`. "
                "For someone else, a programme manager uses "
                f"`creditbot member {name}` when that person asks; nothing was changed.",
                HELP_HINT,
            )
        raise CommandError(f"Write `/credit {name} me`; nothing was changed.", HELP_HINT)
    if name in ("quiet", "unquiet"):
        if [w.lower() for w in words] != ["credits"]:
            raise CommandError(
                f"Write `/credit {name}` (reminders) or `/credit {name} credits` "
                "(the message each time you are credited); nothing was changed.",
                HELP_HINT,
            )
        return CreditNoticesRequest(quiet=name == "quiet")
    return _revoke(words, rest, is_team_lead)


REVOKE_USAGE = (
    "Write `/credit revoke <credit id> <reason>`, e.g. `/credit revoke 42 counted twice`; "
    "the credit ids are shown in `/credit me`, the App Home and `creditbot member info`."
)


def _revoke(words: list[str], rest: str, is_team_lead: bool) -> RevokeRequest:
    if not is_team_lead:
        raise CommandError(
            "Only team leads can revoke credits; nothing was changed. If a credit looks "
            "wrong, tell a team lead.",
            HELP_HINT,
        )
    if not words:
        raise CommandError("Which credit, and why?", REVOKE_USAGE)
    raw = words[0].lstrip("#")
    credit_id = record_id(raw)  # "²" and 5,000 digits are digits, but no credit's id
    if credit_id is None:
        raise CommandError(f"'{shown(words[0])}' is not a credit id.", REVOKE_USAGE)
    reason = rest.strip()[len(words[0]) :].strip()
    if not reason:
        raise CommandError(
            f"Say why credit {raw} is revoked; the member is told. Nothing was changed.",
            REVOKE_USAGE,
        )
    return RevokeRequest(credit_id=credit_id, reason=reason)
