"""Who holds a claim (a job run, an outbox message): ``host:pid:random``.

The random part keeps two claimants of one process apart; the host and the process let
a claimant on the same machine tell that the holder of a claim has died (a ``jobs run``
killed mid-run), instead of waiting for the claim's lease to run out.
"""

from __future__ import annotations

import os
import socket
import uuid


def worker_id() -> str:
    """Who claims: host, process and a random part (two workers never share it)."""
    return f"{socket.gethostname()}:{os.getpid()}:{uuid.uuid4().hex[:8]}"


def owner_is_gone(owner: str | None) -> bool:
    """Whether ``owner`` (a :func:`worker_id`) was a process of this machine that has
    ended. False whenever that cannot be known: another machine, another format, this
    very process, or a process that is running (possibly a new one with the same id)."""
    host, _, rest = (owner or "").partition(":")
    pid_text = rest.partition(":")[0]
    if host != socket.gethostname() or not pid_text.isdigit():
        return False
    pid = int(pid_text)
    if pid in (0, os.getpid()):
        return False
    try:
        os.kill(pid, 0)  # no signal sent: only asks whether the process exists
    except ProcessLookupError:
        return True
    except OSError:  # it exists, but belongs to another user
        return False
    return False
