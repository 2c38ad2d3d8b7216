"""``/nominate`` and its form: text in, a nomination request or a clear error out.

Grammar (Slack sends users escaped as ``<@U123|name>`` and links as ``<https://...>``
because the manifest sets ``should_escape: true``)::

    /nominate @user <track> <justification ...>     a person (yourself included)
    /nominate <organisation-slug> <track> <justification ...>   organisation tracks
    /nominate                                       opens the form
    /nominate help

The track may also come first (``/nominate engineer @ada ...``). Links in the
justification are kept as evidence links, and stay in the text. Whether the nominee
exists, the window is open or they are already nominated is for the service to say.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from dataclasses import dataclass

from scoring.distinguished import Track
from scoring.errors import CommandError

JUSTIFICATION_MAX_CHARS = 2500
MAX_LINKS = 20
LINK_MAX_CHARS = 500

_TOKEN = re.compile(r"<[^>]*>|\S+")
_USER = re.compile(r"^<@([UW][A-Z0-9]+)(?:\|[^>]*)?>$")
_SPECIAL = re.compile(r"^<!(?:here|channel|everyone|subteam\^)[^>]*>$")
_SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_ESCAPED_TOKEN = re.compile(r"<([^<>|]*)(?:\|([^<>]*))?>")
_BARE_LINK = re.compile(r"https?://[^\s<>|]+")
_TRAILING_PUNCTUATION = ".,;:!?)]}'\""


@dataclass(frozen=True)
class NominateHelp:
    """``/nominate help``."""


@dataclass(frozen=True)
class NominateForm:
    """``/nominate`` alone: open the form."""


@dataclass(frozen=True)
class NominateRequest:
    """Nominate ``nominee`` (a Slack user id, or an organisation slug for an organisation
    track) for ``track`` (its key), with why and the evidence links."""

    nominee: str
    track: str
    justification: str
    links: tuple[str, ...] = ()


NominateCommand = NominateHelp | NominateForm | NominateRequest


def _track_list(tracks: Sequence[Track]) -> str:
    return ", ".join(f"`{t.key}` ({t.name})" for t in tracks)


def nominate_usage(tracks: Sequence[Track]) -> str:
    """How to write ``/nominate``, with the configured tracks."""
    people = [t for t in tracks if t.nominee == "member"]
    organisations = [t for t in tracks if t.nominee == "organisation"]
    lines = [
        "*How to use /nominate*",
        "• `/nominate @user <track> <why, with links to the evidence>`: nominate a person "
        "(yourself too) for the Distinguished Contributor programme.",
    ]
    if people:
        lines.append(f"  Tracks for people: {_track_list(people)}")
        lines.append(
            f"  Example: `/nominate @ada {people[0].key} mentored five new reviewers this "
            "year https://forum.example/t/123`"
        )
    if organisations:
        lines.append(
            "• `/nominate <organisation> <track> <why>`: nominate an organisation by its "
            f"slug. Tracks for organisations: {_track_list(organisations)}"
        )
    lines.append("• `/nominate`: a form with the same fields")
    lines.append("• `/nominate help`: this message")
    return "\n".join(lines)


def parse_nominate_command(
    text: str, *, tracks: Sequence[Track], organisations: Collection[str] | None = None
) -> NominateCommand:
    """Understand the text of one ``/nominate`` command.

    ``organisations``: the known organisation slugs (None: not checked here). Raises
    :class:`CommandError` saying what was wrong, with the usage.
    """
    how = nominate_usage(tracks)
    matches = list(_TOKEN.finditer(text or ""))
    if not matches:
        return NominateForm()
    if len(matches) == 1 and matches[0].group().lower() in ("help", "?"):
        return NominateHelp()
    by_key = {t.key: t for t in tracks}
    first = matches[0].group()
    second = matches[1].group() if len(matches) > 1 else None
    if second is None:
        if first.lower() in by_key:
            raise CommandError(f"Whom do you nominate for {by_key[first.lower()].name}?", how)
        raise CommandError(f"Which track? Add one after {_who(first)}: {_track_list(tracks)}.", how)
    nominee_token, track_token = first, second
    if first.lower() in by_key and second.lower() not in by_key:
        track_token, nominee_token = first, second  # /nominate engineer @ada ...
    track = by_key.get(track_token.lower())
    if track is None:
        if _USER.match(track_token) or _SPECIAL.match(track_token):
            raise CommandError("One nominee at a time, then the track and why.", how)
        raise CommandError(
            f"Unknown track '{track_token}'; the tracks are {_track_list(tracks)}.", how
        )
    nominee = _nominee(nominee_token, track, organisations, how)
    rest = text[matches[1].end() :]
    justification, links = justification_and_links(rest)
    check_justification(justification, links)
    return NominateRequest(
        nominee=nominee, track=track.key, justification=justification, links=links
    )


def _who(token: str) -> str:
    user = _USER.match(token)
    return f"<@{user.group(1)}>" if user else f"'{token}'"


def _nominee(token: str, track: Track, organisations: Collection[str] | None, how: str) -> str:
    user = _USER.match(token)
    if _SPECIAL.match(token):
        raise CommandError("@here, @channel and user groups cannot be nominated; name one person.")
    if track.nominee == "organisation":
        if user:
            raise CommandError(
                f"{track.name} is for organisations: write the organisation's slug instead of "
                f"a person, e.g. `/nominate acme {track.key} ...`.",
                how,
            )
        slug = token.lower()
        if not _SLUG.match(slug):
            raise CommandError(f"'{token}' is not an organisation slug (like `acme`).", how)
        if organisations is not None and slug not in organisations:
            known = ", ".join(sorted(organisations)[:20]) or "none are configured"
            raise CommandError(f"I do not know the organisation '{token}'; known: {known}.", how)
        return slug
    if user:
        return user.group(1)
    if token.startswith("@"):
        raise CommandError(
            f"I could not read '{token}' as a Slack user: pick the person from the list Slack "
            "offers while you type, so the name turns into a link.",
            how,
        )
    raise CommandError(f"Start with the person you nominate (@name), not '{token}'.", how)


def justification_and_links(text: str) -> tuple[str, tuple[str, ...]]:
    """The justification as plain text and the http(s) links in it (each once, in order).

    Slack's escaped tokens become readable: a link its address, a user or channel
    ``<@U123>`` / ``<#C123>`` (which Slack shows as names), anything else its label;
    ``&amp;``, ``&lt;`` and ``&gt;`` become the characters the person typed.
    """
    links: list[str] = []

    def readable(match: re.Match[str]) -> str:
        target, label = match.group(1), match.group(2)
        if target.startswith(("http://", "https://")):
            links.append(target)
            return target
        if target.startswith(("@U", "@W", "#C")):
            return f"<{target}>"
        if target.startswith("!"):
            return "@" + (label or target[1:].split("^")[0])
        return label or target.removeprefix("mailto:")

    plain = _ESCAPED_TOKEN.sub(readable, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    for bare in _BARE_LINK.finditer(plain):
        links.append(bare.group().rstrip(_TRAILING_PUNCTUATION))
    plain = "\n".join(line.rstrip() for line in plain.strip().splitlines())
    return plain, tuple(dict.fromkeys(link for link in links if _is_link(link)))


def _is_link(text: str) -> bool:
    return bool(_BARE_LINK.fullmatch(text)) and len(text) <= LINK_MAX_CHARS


def check_justification(justification: str, links: Sequence[str] = ()) -> None:
    """Raise :class:`CommandError` when the justification is empty, only links, too long,
    or comes with too many links."""
    words = justification
    for link in links:
        words = words.replace(link, "")
    if not words.strip():
        raise CommandError(
            "Why do you nominate them? Add a few words of justification after the track "
            "(links to the evidence are welcome too); nothing was stored."
        )
    if len(justification) > JUSTIFICATION_MAX_CHARS:
        raise CommandError(
            f"The justification is {len(justification)} characters long; at most "
            f"{JUSTIFICATION_MAX_CHARS}. Link to the details instead."
        )
    if len(links) > MAX_LINKS:
        raise CommandError(f"{len(links)} links; at most {MAX_LINKS}, the strongest ones.")


def parse_links(text: str) -> tuple[str, ...]:
    """The evidence links of the form: one per line (or separated by spaces).

    Raises :class:`CommandError` naming the first entry that is not an http(s) link.
    """
    links: list[str] = []
    for number, line in enumerate((text or "").splitlines(), start=1):
        words = [word.strip("<>") for word in line.split()]
        if not all(_is_link(word) for word in words):
            raise CommandError(
                f"Line {number}: '{line.strip()[:60]}' is not a link; write one https:// "
                "address per line."
            )
        links.extend(words)
    unique = tuple(dict.fromkeys(links))
    if len(unique) > MAX_LINKS:
        raise CommandError(f"{len(unique)} links; at most {MAX_LINKS}, the strongest ones.")
    return unique


FORM_FIELDS = ("nominee", "organisation", "track", "justification", "links")


def check_form(
    *,
    nominee_user: str | None,
    organisation: str | None,
    track: str | None,
    justification: str | None,
    links: str | None,
    tracks: Sequence[Track],
    organisations: Collection[str] | None = None,
) -> NominateRequest | Mapping[str, str]:
    """The form's values as a request, or the errors by field (see :data:`FORM_FIELDS`).

    Links written in the justification are evidence links too.
    """
    errors: dict[str, str] = {}
    chosen = next((t for t in tracks if t.key == track), None)
    if chosen is None:
        errors["track"] = "Choose a track."
    nominee = ""
    if chosen is not None and chosen.nominee == "organisation":
        slug = (organisation or "").strip().lower()
        if not slug:
            errors["organisation"] = f"{chosen.name} is for organisations: choose one."
        elif not _SLUG.match(slug) or (organisations is not None and slug not in organisations):
            errors["organisation"] = f"I do not know the organisation '{slug[:40]}'."
        nominee = slug
    elif chosen is not None:
        if not nominee_user:
            errors["nominee"] = f"Choose the person you nominate for {chosen.name}."
        nominee = nominee_user or ""
    text, linked = justification_and_links(_escape_free(justification or ""))
    try:
        check_justification(text)
    except CommandError as error:
        errors["justification"] = (
            "Say in a few words why you nominate them." if not text.strip() else error.problem
        )
    listed: tuple[str, ...] = ()
    try:
        listed = parse_links(links or "")
    except CommandError as error:
        errors["links"] = error.problem
    all_links = tuple(dict.fromkeys(listed + linked))
    if "links" not in errors and len(all_links) > MAX_LINKS:
        errors["links"] = f"{len(all_links)} links; at most {MAX_LINKS}, the strongest ones."
    if errors or chosen is None:
        return errors
    return NominateRequest(nominee=nominee, track=chosen.key, justification=text, links=all_links)


def _escape_free(text: str) -> str:
    """A form's text arrives unescaped: make ``&``, ``<``, ``>`` survive the unescaping
    in :func:`justification_and_links`."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
