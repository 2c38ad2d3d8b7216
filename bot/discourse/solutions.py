"""Accepted solutions: the ledger follows what the forum says is accepted *now*.

A solution can be accepted, unaccepted and accepted again, and Discourse retries a
webhook with a new event id and no time of the decision, so neither the event id nor
the post id tells a retry from a new decision. Deliveries are de-duplicated, decisions
are not:

- the inbox key of an accept counts the unaccepts recorded before it (and an
  unaccept's the accepts): a retry finds its key taken, a new decision gets a new one
  (``accepted_solution:2211``, ``unaccepted_solution:2211``, ``accepted_solution:2211:1``);
- processing either asks the forum for the topic's ``accepted_answer``
  (discourse-solved) and makes the ledger match: one live credit while the post is
  accepted (a new one, ``solution:<post>:<n>``, after a withdrawal), none while not.
"""

from __future__ import annotations

import itertools
from collections.abc import Callable
from datetime import datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.discourse.events import ACCEPTED, UNACCEPTED, ForumEvent, ForumPost
from bot.services.ledger.caps import solution_ref
from bot.services.ledger.credits import record_credit, withdraw_credit
from bot.services.ledger.held import close_held_question
from bot.services.people.notices import drop_from_notice
from scoring.models import Credit, Member
from storage.uow import UnitOfWork

SOURCE = "discourse"
GRANTED_BY = "discourse"
SOLUTION_EVENTS = (ACCEPTED, UNACCEPTED)


def delivery_key(uow: UnitOfWork, event: ForumEvent) -> str:
    """The inbox key of one delivery (see the module docstring)."""
    if event.name not in SOLUTION_EVENTS:
        return event.key
    other = UNACCEPTED if event.name == ACCEPTED else ACCEPTED
    before = _recorded(uow, f"{other}:{event.subject.id}")
    generation = before if event.name == ACCEPTED else max(before - 1, 0)
    return event.key if generation == 0 else f"{event.key}:{generation}"


def _recorded(uow: UnitOfWork, key: str) -> int:
    """How many deliveries of one decision were recorded (keys ``key``, ``key:1``...)."""
    for count in itertools.count():
        if not uow.inbox.seen(SOURCE, key if count == 0 else f"{key}:{count}"):
            return count
    raise AssertionError("unreachable")


def accepted_now(topic: dict[str, Any], post: ForumPost) -> bool:
    """Whether the topic view (discourse-solved's ``accepted_answer``) says ``post`` is
    its accepted answer; the post number decides, the author when it is not known."""
    answer = topic.get("accepted_answer")
    if not isinstance(answer, dict):
        return False
    number = answer.get("post_number")
    if post.post_number > 0 and isinstance(number, int):
        return number == post.post_number
    return str(answer.get("username") or "").lower() == post.username.lower()


def solution_credits(uow: UnitOfWork, post_id: int) -> list[Credit]:
    """Every credit an accepted answer earned, live or withdrawn, oldest first."""
    found: list[Credit] = []
    for generation in itertools.count(1):
        credit = uow.credits.by_ref(SOURCE, solution_ref(post_id, generation))
        if credit is None:
            return found
        found.append(credit)
    raise AssertionError("unreachable")


def match_the_forum(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    post: ForumPost,
    creditable: str | None,
    member: Callable[[], Member],
    note: str,
    now: datetime,
    *,
    hold: Callable[[Member], str | None] = lambda member: None,
    credited: Callable[[Credit], None] = lambda credit: None,
) -> tuple[str, str]:
    """Make the ledger match the forum for ``post``: ``creditable`` is None when the
    post is accepted now and earns credit, else why it earns none.

    Before a new credit, ``hold`` may keep it back (a cap reached: it becomes a question
    for the leads; returns what was done); after one, ``credited`` tells the member."""
    credits = solution_credits(uow, post.id)
    live = next((c for c in credits if not c.withdrawn), None)
    if creditable is not None:
        close_held_question(uow, post.id, now)  # a Yes would credit what is not accepted
        if live is None:
            return "done", f"no live credit for solution {post.id} ({creditable})"
        reason = f"the solution is no longer accepted on the forum ({creditable})"
        withdrawn = withdraw_credit(uow, SOURCE, live.source_ref, now, GRANTED_BY, reason)
        if withdrawn is not None:  # a notice still waiting never announces it
            drop_from_notice(uow, config, withdrawn)
        return "done", f"withdrew the credit for solution {post.id}: {creditable}"
    if live is not None:
        return "done", f"solution {post.id} was already credited"
    who = member()
    held = hold(who)
    if held is not None:
        return "done", held
    credit = record_credit(
        uow,
        config,
        who,
        config.discourse.solution_type,
        post.created_at,
        SOURCE,
        solution_ref(post.id, len(credits) + 1),
        now,
        granted_by=GRANTED_BY,
        note=note,
    )
    if credit is None:  # a concurrent handler of the same decision was first
        return "done", f"solution {post.id} was already credited"
    credited(credit)
    return "done", (
        f"credited {who.name}: {credit.type}, {credit.points} points on "
        f"{credit.occurred_at.date().isoformat()} ({credit.organisation or 'independent'})"
    )
