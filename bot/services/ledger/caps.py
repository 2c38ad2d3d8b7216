"""Caps on the credits no team lead decided: accepted forum solutions.

An asker and an answerer could otherwise accept each other's solutions for credit
without end. So, by default (``discourse.solutions_per_pair_per_month``, ``...per_member
_per_day``, limits a healthy community never reaches): at most 2 accepted solutions
credited per asker-answerer pair per month, at most 5 per member per day. One over a cap
is never dropped: it is held as a question for the team leads in the review channel
(the same Yes / No question as a thank-you), and a Yes credits it like any solution.
"""

from __future__ import annotations

from datetime import datetime, time, timedelta

from bot.config import ProgrammeConfig
from bot.messages.slack.blocks import FORUM_CHANNEL as BLOCKS_FORUM_CHANNEL
from bot.messages.slack.blocks import question_message
from scoring.models import Member
from scoring.months import Month
from scoring.suggestions import Suggestion, SuggestionStatus
from storage.uow import UnitOfWork

FORUM_CHANNEL = BLOCKS_FORUM_CHANNEL
FORUM_GRANTED_BY = "discourse"
_HELD_PREFIX = "solution-"


def cap_reached(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    member_id: int,
    counterpart: str | None,
    occurred_at: datetime,
) -> str | None:
    """Why crediting one more accepted solution would go over a cap, or None."""
    rules = config.discourse
    day = occurred_at.astimezone(config.tz).date()
    day_start = datetime.combine(day, time(), config.tz)
    today = uow.people.count_granted(
        member_id, FORUM_GRANTED_BY, day_start, day_start + timedelta(days=1)
    )
    if today >= rules.solutions_per_member_per_day:
        return (
            f"{today} accepted solutions were already credited to them that day "
            f"(at most {rules.solutions_per_member_per_day} without a team lead)"
        )
    if counterpart is None:
        return None
    start, end = Month.of(day).bounds(config.tz)
    pair = uow.people.count_granted(member_id, FORUM_GRANTED_BY, start, end, counterpart)
    if pair >= rules.solutions_per_pair_per_month:
        return (
            f"{pair} of their solutions to the same asker were already credited that month "
            f"(at most {rules.solutions_per_pair_per_month} without a team lead)"
        )
    return None


def points_that_day(
    uow: UnitOfWork, config: ProgrammeConfig, member_id: int, moment: datetime
) -> int:
    """The member's points on the (local) day of ``moment``: a lead sees a burst."""
    day = moment.astimezone(config.tz).date()
    start = datetime.combine(day, time(), config.tz)
    return uow.people.points_between(member_id, start, start + timedelta(days=1))


def hold_for_review(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    *,
    member: Member,
    post_id: int,
    username: str,
    occurred_at: datetime,
    title: str,
    link: str | None,
    why: str,
    now: datetime,
) -> str | None:
    """Ask the team leads about an accepted solution over a cap; the question's outbox key."""
    asked = _question_for(uow, post_id)
    if asked is None:
        return None  # the leads were asked about this acceptance and have not answered yet
    suggestion = uow.suggestions.create(
        channel=FORUM_CHANNEL,
        message_ts=asked,
        author_member_id=member.id,
        author_ref=username,
        suggested_type=config.discourse.solution_type,
        occurred_at=occurred_at,
        now=now,
        reason=f"an accepted solution over a cap: {why}",
        snippet=title,
        permalink=link,
        suggested_by=None,
    )
    review = config.slack.review_channel
    if suggestion is None or not review:
        return None
    points = {name: t.points for name, t in config.contribution_types.items()}
    text, blocks = question_message(
        suggestion,
        points,
        config.discourse.solution_type,
        points_today=points_that_day(uow, config, member.id, occurred_at),
    )
    key = f"question:{FORUM_CHANNEL}:{suggestion.message_ts}"
    uow.outbox.enqueue(key, "slack", "post", review, {"text": text, "blocks": blocks}, now)
    return key


def solution_ref(post_id: int, generation: int = 1) -> str:
    """The source reference of the ``generation``-th credit of an accepted answer."""
    return f"solution:{post_id}" if generation == 1 else f"solution:{post_id}:{generation}"


def held_solution_ref(uow: UnitOfWork, post_id: int) -> str:
    """Where a lead's Yes on a held solution records its credit: the live credit's
    reference if the solution has one, else the next unused generation (a solution
    accepted, unaccepted and accepted again keeps its withdrawn credit on record)."""
    generation = 1
    while (credit := uow.credits.by_ref(FORUM_GRANTED_BY, solution_ref(post_id, generation))) and (
        credit.withdrawn
    ):
        generation += 1
    return solution_ref(post_id, generation)


def _held_ref(post_id: int, generation: int) -> str:
    return f"{_HELD_PREFIX}{post_id}" + ("" if generation == 1 else f":{generation}")


def _held_questions(uow: UnitOfWork, post_id: int) -> list[Suggestion]:
    """The questions asked about ``post_id``'s acceptances, oldest first."""
    found: list[Suggestion] = []
    while asked := uow.suggestions.for_message(FORUM_CHANNEL, _held_ref(post_id, len(found) + 1)):
        found.append(asked)
    return found


def open_held_question(uow: UnitOfWork, post_id: int) -> Suggestion | None:
    """The question about ``post_id`` the leads have not answered yet, if any."""
    return next(
        (q for q in _held_questions(uow, post_id) if q.status == SuggestionStatus.OPEN), None
    )


def _question_for(uow: UnitOfWork, post_id: int) -> str | None:
    """The reference of a new question about ``post_id``: ``solution-<post>``, or
    ``solution-<post>:<n>`` when the leads already answered about an earlier acceptance
    of it; None while a question about it is still open."""
    asked = _held_questions(uow, post_id)
    if any(q.status == SuggestionStatus.OPEN for q in asked):
        return None
    return _held_ref(post_id, len(asked) + 1)


def held_solution(suggestion: Suggestion) -> int | None:
    """The forum post a held question is about, or None for a Slack message."""
    if suggestion.channel != FORUM_CHANNEL:
        return None
    raw = suggestion.message_ts.removeprefix(_HELD_PREFIX).split(":")[0]
    return int(raw) if raw.isdigit() else None
