"""The ``/credit`` command: its text in, a request or a clear :class:`CommandError` out.

Grammar (Slack sends users escaped as ``<@U123|name>`` because the manifest sets
``should_escape: true``)::

    /credit @user [@user ...] <type> [points] [note ...]   team leads only
    /credit me                                             your own credits
    /credit org <slug>                                     an organisation's month
    /credit quiet | unquiet                                no more reminders / again
    /credit help

Points, when given, are a whole number from 1 to the configured maximum; without
them the type's points apply. Nobody can credit themselves.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from scoring.errors import CommandError

_TOKEN = re.compile(r"<[^>]*>|\S+")
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_SPECIAL = re.compile(r"^<!(?:here|channel|everyone|subteam\^)[^>]*>$")
_NUMBER = re.compile(r"^[+-]?\d+(?:[.,]\d+)?$")
_SUBCOMMANDS = ("help", "me", "org", "quiet", "unquiet")


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
class CreditRequest:
    """Credit each of ``users`` (Slack ids, in the order given) with one contribution."""

    users: tuple[str, ...]
    type: str
    points: int | None
    note: str


CreditCommand = HelpRequest | MeRequest | OrgRequest | QuietRequest | CreditRequest


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
        "• `/credit help`: this message"
    )


def parse_credit_command(
    text: str,
    *,
    invoker: str,
    is_team_lead: bool,
    type_names: Sequence[str],
    max_points: int,
) -> CreditCommand:
    """Understand the text of one ``/credit`` command sent by ``invoker``.

    Raises :class:`CommandError` with what was wrong and the usage; a refusal (not a
    team lead, crediting yourself) carries a short hint instead of the full usage.
    """
    how = usage(type_names, max_points)
    matches = list(_TOKEN.finditer(text or ""))
    if not matches:
        if not is_team_lead:
            return HelpRequest()
        raise CommandError("Tell me who to credit and for what.", how)
    first = matches[0].group().lower()
    if first in _SUBCOMMANDS:
        return _subcommand(first, [m.group() for m in matches[1:]], how)
    if not is_team_lead:
        raise CommandError(
            "Only team leads can credit people with /credit. "
            "You can see your own credits with `/credit me`, or nominate a helpful message "
            "with a reaction so the team leads are asked about it.",
            "Type `/credit help` for everything /credit can do.",
        )
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
        if not raw.lstrip("+-").isdigit() or not 1 <= int(raw) <= max_points:
            raise CommandError(
                f"Points must be a whole number from 1 to {max_points}, not '{raw}'.", how
            )
        points = int(raw)
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
    if not rest:
        raise CommandError("Which organisation? Write `/credit org <slug>`.", how)
    if len(rest) > 1:
        raise CommandError(f"One organisation at a time, e.g. `/credit org {rest[0]}`.", how)
    return OrgRequest(slug=rest[0].lower())
