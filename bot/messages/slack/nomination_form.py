"""The ``/nominate`` form (a Slack modal) and reading what was typed into it.

The modal has a person picker (``users_select``), and when a track is for organisations
an organisation field (a menu of the configured organisations, or a slug to type when
there are more than a menu holds), the track menu, the justification and the evidence
links (one per line). Slack sends the values back in a ``view_submission``; the errors
go back on the blocks named in :data:`BLOCKS`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from bot.messages.slack.limits import MAX_INPUT_CHARS, MAX_LABEL_CHARS, MAX_OPTION_CHARS
from scoring.distinguished import Track
from scoring.nominations import JUSTIFICATION_MAX_CHARS, MAX_LINKS

CALLBACK_ID = "dc_nominate"
#: Form field -> the input block it is in (the keys of ``response_action: errors``).
BLOCKS = {
    "nominee": "dc_nominee",
    "organisation": "dc_organisation",
    "track": "dc_track",
    "justification": "dc_justification",
    "links": "dc_links",
}
#: Form field -> the action id of its element.
ACTIONS = {
    "nominee": "nominee",
    "organisation": "organisation",
    "track": "track",
    "justification": "justification",
    "links": "links",
}
MAX_OPTIONS = 100


def _plain(text: str, limit: int = MAX_OPTION_CHARS) -> dict[str, Any]:
    return {"type": "plain_text", "text": text[:limit], "emoji": True}


def _input(
    field: str, label: str, element: dict[str, Any], *, optional: bool, hint: str | None = None
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": BLOCKS[field],
        "label": _plain(label, MAX_LABEL_CHARS),
        "element": {"action_id": ACTIONS[field], **element},
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint, MAX_LABEL_CHARS)
    return block


def nomination_form(
    tracks: Sequence[Track], organisations: Sequence[tuple[str, str]], year: int
) -> dict[str, Any]:
    """The modal: ``organisations`` as (slug, name), shown when a track is for them."""
    for_people = [t for t in tracks if t.nominee == "member"]
    for_orgs = [t for t in tracks if t.nominee == "organisation"]
    blocks: list[dict[str, Any]] = [
        {
            "type": "section",
            "text": {
                "type": "mrkdwn",
                "text": (
                    f"Nominate someone for the Distinguished Contributor programme {year}. "
                    "Their credits of the last 12 months are attached for the review panel."
                ),
            },
        }
    ]
    if for_people:
        blocks.append(_person_input(for_people, optional=bool(for_orgs)))
    if for_orgs:
        blocks.append(_organisation_input(for_orgs, organisations, optional=bool(for_people)))
    blocks += [_track_input(tracks), *_why_inputs()]
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain("Nominate", 24),
        "submit": _plain("Nominate", 24),
        "close": _plain("Cancel", 24),
        "blocks": blocks,
    }


def _person_input(for_people: Sequence[Track], *, optional: bool) -> dict[str, Any]:
    people_tracks = ", ".join(t.name for t in for_people)
    return _input(
        "nominee",
        "Person",
        {"type": "users_select", "placeholder": _plain("Choose a person")},
        optional=optional,
        hint=f"For {people_tracks}. You may nominate yourself.",
    )


def _organisation_input(
    for_orgs: Sequence[Track], organisations: Sequence[tuple[str, str]], *, optional: bool
) -> dict[str, Any]:
    """A list of the organisations when Slack can show them all, else their slug typed."""
    org_tracks = ", ".join(t.name for t in for_orgs)
    if organisations and len(organisations) <= MAX_OPTIONS:
        element: dict[str, Any] = {
            "type": "static_select",
            "placeholder": _plain("Choose an organisation"),
            "options": [
                {"text": _plain(name or slug), "value": slug} for slug, name in organisations
            ],
        }
    else:
        element = {
            "type": "plain_text_input",
            "placeholder": _plain("The organisation's slug, e.g. acme"),
            "max_length": 60,
        }
    return _input(
        "organisation", "Organisation", element, optional=optional, hint=f"For {org_tracks} only."
    )


def _track_input(tracks: Sequence[Track]) -> dict[str, Any]:
    return _input(
        "track",
        "Track",
        {
            "type": "static_select",
            "placeholder": _plain("Choose a track"),
            "options": [{"text": _plain(t.name), "value": t.key} for t in tracks][:MAX_OPTIONS],
        },
        optional=False,
    )


def _why_inputs() -> list[dict[str, Any]]:
    """The justification and the evidence links."""
    return [
        _input(
            "justification",
            "Why?",
            {
                "type": "plain_text_input",
                "multiline": True,
                "max_length": JUSTIFICATION_MAX_CHARS,
                "placeholder": _plain("What did they do for the community this year?"),
            },
            optional=False,
        ),
        _input(
            "links",
            "Evidence links",
            {
                "type": "plain_text_input",
                "multiline": True,
                "max_length": MAX_INPUT_CHARS,
                "placeholder": _plain("https://... (one per line)"),
            },
            optional=True,
            hint=f"Pull requests, talks, posts, threads: one link per line, at most {MAX_LINKS}.",
        ),
    ]


@dataclass(frozen=True)
class FormValues:
    """What was typed or chosen in the form (None: left empty)."""

    nominee_user: str | None
    organisation: str | None
    track: str | None
    justification: str | None
    links: str | None

    @classmethod
    def from_view(cls, view: Mapping[str, Any]) -> FormValues:
        """Read a ``view_submission``'s ``view.state.values``."""
        values = _object(_object(view.get("state")).get("values"))

        def element(field: str) -> Mapping[str, Any]:
            return _object(_object(values.get(BLOCKS[field])).get(ACTIONS[field]))

        def text(field: str) -> str | None:
            value = element(field).get("value")
            if value is None:
                value = _object(element(field).get("selected_option")).get("value")
            return None if value is None else str(value)

        user = element("nominee").get("selected_user")
        return cls(
            nominee_user=str(user) if user else None,
            organisation=text("organisation"),
            track=text("track"),
            justification=text("justification"),
            links=text("links"),
        )


def _object(value: Any) -> Mapping[str, Any]:
    """A part of the submission that should be an object (anything else reads as empty)."""
    return value if isinstance(value, Mapping) else {}
