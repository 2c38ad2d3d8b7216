""" "Is this a contribution?": open a question about a message, decide it once, credit it.

One message has at most one question (``UNIQUE(channel, message_ts)``), and its
question goes to the review channel through the outbox, written in the same
transaction as the suggestion (key ``question:<channel>:<ts>``), so it is posted
once. A decision is a conditional update (see
:meth:`storage.repositories.suggestions.SuggestionRepository.decide`): the first team
lead wins, in one transaction with the credit and the outbox row that updates the
question. A message's credit has the reference ``<channel>:<ts>:<author>`` whether it
comes from a question or a team lead's confirm emoji, so it is never counted twice.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.messages.slack.blocks import answered_message, question_message
from bot.services.ledger.caps import (
    FORUM_GRANTED_BY,
    held_solution,
    held_solution_ref,
    points_that_day,
)
from bot.services.ledger.credits import record_credit
from bot.services.people.notices import notify_credit
from scoring.bounds import check_moment
from scoring.errors import OutOfRange
from scoring.models import Credit, Identity, IdentityKind, Member
from scoring.suggestions import Suggestion, SuggestionStatus
from storage.uow import UnitOfWork

SOURCE = "slack"


def message_ref(channel: str, ts: str, author: str) -> str:
    """The credit reference of one Slack message's author."""
    return f"{channel}:{ts}:{author}"


def question_key(channel: str, ts: str) -> str:
    return f"question:{channel}:{ts}"


def answer_key(suggestion_id: int) -> str:
    return f"question-answer:{suggestion_id}"


def ts_to_datetime(ts: str) -> datetime:
    """A Slack ``ts`` ("1793530800.000100") as an aware UTC datetime."""
    try:
        seconds = Decimal(ts)
    except (InvalidOperation, TypeError):
        raise InvalidInput(f"not a Slack timestamp: {ts!r}") from None
    whole = int(seconds)
    micro = int((seconds - whole) * 1_000_000)
    return datetime.fromtimestamp(whole, UTC).replace(microsecond=micro)


def ts_problem(ts: object, today: date) -> str | None:
    """Why a Slack ``ts`` cannot be a message's time (not a timestamp, or a moment
    outside the sane range of :mod:`scoring.bounds`), or None when it can."""
    try:
        check_moment(ts_to_datetime(str(ts)), today, what="message time")
    except (InvalidInput, OutOfRange, ValueError, OverflowError) as error:
        return str(error)
    return None


def type_points(config: ProgrammeConfig) -> dict[str, int]:
    return {name: t.points for name, t in config.contribution_types.items()}


def already_credited(uow: UnitOfWork, channel: str, ts: str, author: str) -> bool:
    credit = uow.credits.by_ref(SOURCE, message_ref(channel, ts, author))
    return credit is not None and not credit.withdrawn


def open_suggestion(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    *,
    channel: str,
    message_ts: str,
    author: Member,
    author_ref: str,
    reason: str,
    snippet: str,
    permalink: str | None,
    suggested_by: str | None,
    now: datetime,
    helpers: Sequence[tuple[str, str]] = (),
) -> tuple[Suggestion | None, str | None]:
    """A new question about a message, with its outbox row; (None, None) when the message
    already has a question or a credit. Returns the suggestion and the outbox key."""
    if already_credited(uow, channel, message_ts, author_ref):
        return None, None
    suggestion = uow.suggestions.create(
        channel=channel,
        message_ts=message_ts,
        author_member_id=author.id,
        author_ref=author_ref,
        suggested_type=config.slack.default_type,
        occurred_at=ts_to_datetime(message_ts),
        now=now,
        reason=reason,
        snippet=snippet,
        permalink=permalink,
        suggested_by=suggested_by,
    )
    if suggestion is None:
        return None, None
    review = config.slack.review_channel
    if not review:
        return suggestion, None  # no review channel: the question shows in the App Home only
    text, blocks = question_message(
        suggestion,
        type_points(config),
        config.slack.default_type,
        helpers,
        points_today=points_that_day(uow, config, author.id, suggestion.occurred_at),
    )
    key = question_key(channel, message_ts)
    uow.outbox.enqueue(key, "slack", "post", review, {"text": text, "blocks": blocks}, now)
    return suggestion, key


@dataclass(frozen=True)
class Decision:
    """What answering a question did. ``won``: this answer decided it; else ``suggestion``
    shows who decided first (or it does not exist)."""

    won: bool
    suggestion: Suggestion | None
    credit: Credit | None = None
    outbox_key: str | None = None


def decide(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    suggestion_id: int,
    *,
    by: str,
    accept: bool,
    type_name: str | None,
    now: datetime,
    question: tuple[str, str] | None = None,
    helper: str | None = None,
) -> Decision:
    """Accept (and credit) or reject a question, if it is still open.

    ``question`` is where the question is shown (channel, ts), to update it; by default
    where it was posted.
    """
    current = uow.suggestions.get(suggestion_id)
    if current is None:
        return Decision(False, None)
    chosen = type_name if type_name in config.contribution_types else current.suggested_type
    status = SuggestionStatus.ACCEPTED if accept else SuggestionStatus.REJECTED
    if not uow.suggestions.decide(suggestion_id, status, by, now, chosen if accept else None):
        return Decision(False, uow.suggestions.get(suggestion_id))
    credit = None
    if accept:
        credit = _credit_message(uow, config, _for_helper(uow, current, helper), chosen, by, now)
    decided = uow.suggestions.get(suggestion_id)
    assert decided is not None
    key = _enqueue_answer(uow, config, decided, credit, now, question)
    return Decision(True, decided, credit, key)


def _for_helper(uow: UnitOfWork, suggestion: Suggestion, helper: str | None) -> Suggestion:
    """The question as crediting ``helper`` instead of its author, when the thanks named
    them too ("thanks @ana and @bob") and a lead chose them; else as it is."""
    if not helper or helper == suggestion.author_ref:
        return suggestion
    if helper not in uow.thanks_triggers.others(suggestion.id):
        return suggestion
    member = uow.members.find(Identity(IdentityKind.SLACK, helper))
    if member is None or member.id is None:
        return suggestion
    chosen = replace(suggestion, author_member_id=member.id, author_ref=helper)
    # The credit is for the chosen person's own message in the thread, at its time.
    if (ts := uow.thanks_triggers.message_of(suggestion.id, helper)) is not None:
        chosen = replace(chosen, message_ts=ts, occurred_at=ts_to_datetime(ts))
    return chosen


def _credit_message(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    suggestion: Suggestion,
    type_name: str,
    by: str,
    now: datetime,
) -> Credit | None:
    member = uow.members.get(suggestion.author_member_id)
    if member is None or member.is_bot:
        return None
    source, ref = (
        SOURCE,
        message_ref(suggestion.channel, suggestion.message_ts, suggestion.author_ref),
    )
    post = held_solution(suggestion)
    if post is not None:  # a forum solution held over a cap: credited as the solution
        source, ref = FORUM_GRANTED_BY, held_solution_ref(uow, post)
    credit = record_credit(
        uow,
        config,
        member,
        type_name,
        suggestion.occurred_at,
        source,
        ref,
        now,
        granted_by=by,
        note=suggestion.snippet[:200],
    )
    notify_credit(uow, config, credit, now, decided_by=by, link=suggestion.permalink)
    credit = credit or uow.credits.by_ref(source, ref)
    if credit is not None and credit.id is not None:
        uow.suggestions.link_credit(suggestion.id, credit.id)
    return credit


def _enqueue_answer(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    suggestion: Suggestion,
    credit: Credit | None,
    now: datetime,
    question: tuple[str, str] | None,
) -> str | None:
    where = question or question_location(uow, suggestion)
    if where is None:
        return None
    text, blocks = answered_message(suggestion, credit)
    key = answer_key(suggestion.id)
    payload = {"text": text, "blocks": blocks, "ts": where[1]}
    uow.outbox.enqueue(key, "slack", "update", where[0], payload, now)
    return key


def question_location(uow: UnitOfWork, suggestion: Suggestion) -> tuple[str, str] | None:
    """Where the question was posted: recorded on it, or as its outbox message was sent."""
    if suggestion.question_channel and suggestion.question_ts:
        return suggestion.question_channel, suggestion.question_ts
    sent = uow.outbox.by_key(question_key(suggestion.channel, suggestion.message_ts))
    if sent is not None and sent.sent_ref:
        return sent.target, sent.sent_ref
    return None


def confirm_message(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    *,
    channel: str,
    message_ts: str,
    author: Member,
    author_ref: str,
    by: str,
    emoji: str,
    snippet: str,
    now: datetime,
) -> tuple[Credit | None, str | None]:
    """A team lead's confirm emoji: credit the message's author at once (the default type).

    Returns the new credit (None if this message was already credited) and the outbox
    key of the updated question, when the message had an open one.
    """
    ref = message_ref(channel, message_ts, author_ref)
    credit = record_credit(
        uow,
        config,
        author,
        config.slack.default_type,
        ts_to_datetime(message_ts),
        SOURCE,
        ref,
        now,
        granted_by=by,
        note=snippet[:200] or f"confirmed with :{emoji}:",
    )
    notify_credit(uow, config, credit, now, decided_by=by, link=f"your message in <#{channel}>")
    key = None
    suggestion = uow.suggestions.for_message(channel, message_ts)
    if suggestion is not None and suggestion.is_open and suggestion.author_ref == author_ref:
        decision = decide(uow, config, suggestion.id, by=by, accept=True, type_name=None, now=now)
        key = decision.outbox_key
    return credit, key
