"""Links between the public pages: absolute paths when served, relative files when exported.

Served, ``/partners?service=Hosting`` stays as it is. Exported, each page is a file
(``/partners`` -> ``partners/index.html``; a one-filter view ``/partners?service=Hosting``
-> ``partners/service/hosting/index.html``; ``/api/partners`` -> ``api/partners.json``)
and every link is made relative to the page it is on, so the site works from any
folder, even opened from the disk.
"""

from __future__ import annotations

import posixpath
from urllib.parse import urlencode

from scoring.directory import slugify

FILTER_KEYS = ("service", "region", "language")


def export_file(path: str, query: dict[str, str] | None = None) -> str:
    """The file (relative to the site's root) a page is written to when exported."""
    query = {k: v for k, v in (query or {}).items() if v}
    clean = path.strip("/")
    if clean.startswith("api/") or clean == "api":
        return f"{clean}.json"
    if clean == "partners" and query:
        parts = [f"{k}/{slugify(query[k])}" for k in FILTER_KEYS if k in query]
        clean = "partners/" + "/".join(parts)
    if not clean:
        return "index.html"
    if posixpath.splitext(clean)[1]:
        return clean
    return f"{clean}/index.html"


class Links:
    """Builds the href of a page as seen from the page being rendered."""

    def __init__(
        self, *, static: bool = False, here: str = "/", query: dict[str, str] | None = None
    ) -> None:
        self.static = static
        self.here_file = export_file(here, query)

    def href(self, path: str, **query: str | None) -> str:
        """The link to ``path`` (with a query: a filtered directory view)."""
        given = {k: v for k, v in query.items() if v}
        if not self.static:
            return path + (f"?{urlencode(given)}" if given else "")
        target = export_file(path, given)
        return posixpath.relpath(target, posixpath.dirname(self.here_file) or ".")
