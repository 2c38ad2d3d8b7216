"""Where ``creditbot site build`` wrote the public pages, so that an erasure rebuilds
them in the same command (a copy of the pages on a web server must not keep the name).

Each build is remembered as a job run (job ``site-build``, period: the folder's absolute
path; no table of its own). A rebuild writes only a folder that still carries
creditbot's marker, as the build itself does; it shows the pages as they are now.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

from bot.runtime import Runtime
from bot.web.export import MARKER, build_site

SITE_BUILD = "site-build"
REMEMBERED = 20

log = logging.getLogger("creditbot.web")


@dataclass
class Rebuilt:
    folders: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def remember_build(runtime: Runtime, out: Path) -> None:
    """Record that the public pages were written to ``out``."""
    folder, now = str(out.resolve()), runtime.now()
    with runtime.uow() as uow:
        if uow.jobs.claim(SITE_BUILD, folder, SITE_BUILD, now):  # False: known already
            uow.jobs.finish(SITE_BUILD, folder, SITE_BUILD, now)
        uow.commit()


def rebuild_sites(runtime: Runtime) -> Rebuilt:
    """Rebuild every remembered static export that is still there."""
    with runtime.reader() as uow:
        folders = [run.period for run in uow.jobs.recent(SITE_BUILD, limit=REMEMBERED)]
    result = Rebuilt()
    for folder in dict.fromkeys(folders):
        if not (Path(folder) / MARKER).is_file():
            continue  # moved or removed since: nothing of ours to rewrite
        try:
            build_site(runtime, Path(folder))
        except OSError as error:
            log.error("the static export could not be rebuilt: %s", error.strerror)
            result.failed.append(folder)
        else:
            result.folders.append(folder)
    return result
