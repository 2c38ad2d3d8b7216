"""Reading the pages as a visitor would: sections, cards in order, links, visible text."""

from __future__ import annotations

import re
from html.parser import HTMLParser

_CARD = re.compile(
    r'<article class="card[^"]*" id="partner-[^"]+" data-slug="([^"]+)" data-rank="(\d+)"'
)


def section(html: str, section_id: str) -> str:
    """The markup of ``<section id=...>`` (empty when the page has none)."""
    start = html.find(f'<section id="{section_id}"')
    if start < 0:
        return ""
    return html[start : html.index("</section>", start)]


def cards(html: str) -> list[tuple[str, int]]:
    """``(slug, rank)`` of each partner card, in page order."""
    return [(slug, int(rank)) for slug, rank in _CARD.findall(html)]


class _Collector(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.links: list[str] = []
        self.sources: list[str] = []
        self.text: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = dict(attrs)
        if tag == "a" and values.get("href"):
            self.links.append(str(values["href"]))
        if tag in ("link", "img", "script") and (values.get("href") or values.get("src")):
            self.sources.append(str(values.get("href") or values.get("src")))
        if tag in ("style", "script"):
            self._skip += 1

    def handle_endtag(self, tag: str) -> None:
        if tag in ("style", "script"):
            self._skip -= 1

    def handle_data(self, data: str) -> None:
        if not self._skip and data.strip():
            self.text.append(" ".join(data.split()))


def read(html: str) -> _Collector:
    collector = _Collector()
    collector.feed(html)
    return collector


def links(html: str) -> list[str]:
    return read(html).links


def text(html: str) -> str:
    """The visible text, whitespace collapsed."""
    return " ".join(read(html).text)
