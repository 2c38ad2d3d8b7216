"""The Distinguished Contributors' announcement rendered for Slack (Block Kit), the forum
(Markdown) and the terminal, from an :class:`Announcement` built by hand."""

from __future__ import annotations

from bot.config import parse_config
from bot.messages.distinguished import (
    Announcement,
    Recognised,
    TrackAnnouncement,
    announcement_markdown,
    announcement_title,
)
from bot.messages.slack.limits import MAX_BLOCKS, MAX_SECTION_CHARS
from bot.messages.slack.recognition import announcement_message
from bot.services.distinguished.recognition import badge_description


def _person(name: str, **extra: object) -> Recognised:
    return Recognised(nominee_key=f"member:{name}", name=name, **extra)  # type: ignore[arg-type]


def _announcement(*tracks: TrackAnnouncement, unnamed: int = 0) -> Announcement:
    return Announcement(
        cycle=2026,
        tracks=tracks,
        unnamed=unnamed,
        community="Testland",
        term_years=2,
        next_opens="1 September 2027",
    )


ENGINEERS = TrackAnnouncement(
    "engineer",
    "Distinguished Engineer",
    (
        _person("Ann Archer", organisation="Acme Learning", slack_user="U0ANN"),
        _person("Bo <b> & Co", discourse_username="bo"),
    ),
)
PARTNERS = TrackAnnouncement(
    "partner",
    "Distinguished Partner",
    (Recognised("org:acme", "Acme | Learning*", is_organisation=True),),
)


def _section_texts(message: dict[str, object]) -> list[str]:
    blocks = message["blocks"]
    assert isinstance(blocks, list)
    return [b["text"]["text"] for b in blocks if b["type"] == "section"]


def test_slack_mentions_people_with_a_slack_account_and_escapes_everyone_else() -> None:
    message = announcement_message(_announcement(ENGINEERS, PARTNERS, unnamed=2))
    sections = _section_texts(message)
    assert sections[0].startswith("Congratulations to the *5 new Distinguished Contributors*")
    assert (
        "*Distinguished Engineer*\n• <@U0ANN> · Acme Learning\n• Bo &lt;b&gt; &amp; Co" in sections
    )
    assert "*Distinguished Partner*\n• *Acme | Learning**" in sections
    assert "…and 2 more members who prefer not to be named publicly." in sections
    context = message["blocks"][-1]  # type: ignore[index]
    assert "Nominations for the next cycle open on 1 September 2027" in str(context)
    assert message["text"] == (
        "Distinguished Contributors 2026: congratulations to Ann Archer (Distinguished "
        "Engineer), Bo <b> & Co (Distinguished Engineer), Acme | Learning* (Distinguished "
        "Partner) and 2 more members!"
    )


def test_one_recognition_is_announced_in_the_singular() -> None:
    single = TrackAnnouncement("engineer", "Distinguished Engineer", (_person("Ann Archer"),))
    message = announcement_message(_announcement(single))
    assert "*1 new Distinguished Contributor*" in _section_texts(message)[0]
    assert message["text"] == (
        "Distinguished Contributors 2026: congratulations to Ann Archer (Distinguished Engineer)!"
    )
    assert "1 more member who prefers" in announcement_markdown(_announcement(single, unnamed=1))


def test_a_very_long_list_stays_within_slacks_limits() -> None:
    crowd = tuple(_person(f"Contributor number {n:04d} " + "x" * 40) for n in range(400))
    tracks = tuple(
        TrackAnnouncement(f"t{n}", f"Track {n}", crowd[n * 100 : (n + 1) * 100]) for n in range(4)
    )
    message = announcement_message(_announcement(*tracks))
    blocks = message["blocks"]
    assert len(blocks) <= MAX_BLOCKS
    assert all(len(text) <= MAX_SECTION_CHARS for text in _section_texts(message))
    sections = "\n".join(_section_texts(message))
    assert "Contributor number 0000" in sections and "Contributor number 0399" in sections
    assert len(message["text"]) <= 3000


def test_the_forum_topic_mentions_forum_users_and_keeps_markdown_out_of_names() -> None:
    announcement = _announcement(ENGINEERS, PARTNERS)
    assert announcement_title(announcement) == "Distinguished Contributors 2026: congratulations!"
    markdown = announcement_markdown(announcement)
    assert "### Distinguished Engineer\n\n- Ann Archer (Acme Learning)\n- @bo\n" in markdown
    assert "- **Acme \\| Learning\\***" in markdown
    assert "Membership lasts 2 years" in markdown
    assert "Each member gets the badge of their track here on the forum." in markdown


def test_a_badge_describes_its_track_unless_the_track_says_otherwise() -> None:
    config = parse_config(
        {
            "web": {"community_name": "Testland"},
            "distinguished": {
                "tracks": {
                    "engineer": {"name": "Distinguished Engineer", "types": ["code", "review"]},
                    "partner": {
                        "name": "Distinguished Partner",
                        "nominee": "organisation",
                        "description": "Our finest partners.",
                    },
                }
            },
        },
        "test config",
    )
    assert badge_description(config, "engineer") == (
        "Recognised by the Testland review panel as a Distinguished Engineer, "
        "for outstanding, sustained contributions (code, review)."
    )
    assert badge_description(config, "partner") == "Our finest partners."
