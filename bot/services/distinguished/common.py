"""Helpers shared by the Distinguished Contributor services: names, dates, evidence, messages."""

from __future__ import annotations

from datetime import UTC, date, datetime
from typing import Any

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.messages.slack.distinguished import decided_message, nomination_message
from scoring.distinguished import (
    Contribution,
    Cycle,
    Tally,
    Track,
    credit_history,
    cycle_for,
    cycle_of_year,
    day_span,
    history_start,
    local_day,
)
from scoring.records import Nomination
from storage.uow import UnitOfWork


def long_date(day: date, *, year: bool = False) -> str:
    """``1 September`` (``1 September 2026`` with ``year``)."""
    text = f"{day.day} {day:%B}"
    return f"{text} {day.year}" if year else text


def track_or_error(config: ProgrammeConfig, key: str) -> Track:
    """The track named ``key`` (case-insensitive), or a refusal that lists the tracks."""
    rules = config.distinguished.rules
    wanted = key.strip().lower()
    found = rules.track(wanted)
    if found is None:
        names = ", ".join(f"{t.key} ({t.name})" for t in rules.tracks)
        lead = f"There is no track '{key.strip()}'" if wanted else "Please name a track"
        raise InvalidInput(f"{lead}; the tracks are: {names}.")
    return found


def current_cycle(config: ProgrammeConfig, now: datetime) -> Cycle:
    """The cycle of ``now``'s year in the programme timezone."""
    return cycle_for(local_day(now, config.tz), config.distinguished.rules)


def window_message(config: ProgrammeConfig, now: datetime) -> str:
    """Why a nomination is not accepted now, naming the window."""
    rules = config.distinguished.rules
    day = local_day(now, config.tz)
    cycle = cycle_for(day, rules)
    if day < cycle.opens:
        return (
            f"Nominations for {cycle.year} open on {long_date(cycle.opens)} "
            f"and close on {long_date(cycle.closes)}."
        )
    following = cycle_of_year(cycle.year + 1, rules)
    return (
        f"Nominations for {cycle.year} closed on {long_date(cycle.closes)}; nominations for "
        f"{following.year} open on {long_date(following.opens)} "
        f"and close on {long_date(following.closes)}."
    )


def nominee_name(uow: UnitOfWork, nomination: Nomination) -> str:
    """The nominee as people know them: the member's name or the organisation's."""
    if nomination.nominee_member_id is not None:
        member = uow.members.get(nomination.nominee_member_id)
        return member.name if member is not None else nomination.nominee_key
    if nomination.nominee_org is not None:
        org = uow.organisations.get(nomination.nominee_org)
        return org.name if org is not None else nomination.nominee_org
    return nomination.nominee_key


def track_name(config: ProgrammeConfig, key: str) -> str:
    track = config.distinguished.rules.track(key)
    return track.name if track is not None else key


def nomination_payload(
    uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination, votes_cast: int
) -> dict[str, Any]:
    name = nominee_name(uow, nomination)
    return nomination_message(nomination, track_name(config, nomination.track), name, votes_cast)


def decided_payload(
    uow: UnitOfWork, config: ProgrammeConfig, nomination: Nomination, result: Tally
) -> dict[str, Any]:
    name = nominee_name(uow, nomination)
    return decided_message(nomination, track_name(config, nomination.track), name, result)


def panel_message(uow: UnitOfWork, nomination: Nomination) -> tuple[str, str] | None:
    """Where the panel's message of a nomination is (channel, ts), once it was posted.

    Taken from the nomination, or else from the delivered outbox message (and then
    remembered on the nomination); None while it has not been posted.
    """
    if nomination.review_channel and nomination.review_ts:
        return nomination.review_channel, nomination.review_ts
    sent = uow.outbox.by_key(panel_key(nomination.id))
    if sent is None or sent.status != "sent" or not sent.sent_ref:
        return None
    uow.distinguished.set_review_message(nomination.id, sent.target, sent.sent_ref)
    return sent.target, sent.sent_ref


def panel_key(nomination_id: int) -> str:
    return f"dc:nomination:{nomination_id}:panel"


def local_midnight(day: date, config: ProgrammeConfig) -> datetime:
    return day_span(day, day, config.tz)[0].astimezone(UTC)


def points_in_track(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    track: Track,
    *,
    member_id: int | None,
    org: str | None,
    start: datetime,
    end: datetime,
) -> int:
    lines = uow.distinguished.credits_of(member_id=member_id, org=org, start=start, end=end)
    return sum(line.points for line in lines if track.counts(line.type))


def credit_evidence(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    track: Track,
    *,
    member_id: int | None,
    org: str | None,
    now: datetime,
) -> dict[str, Any]:
    """The nominee's credit history over the 12 months ending with ``now``'s month."""
    tz = config.tz
    first = history_start(local_day(now, tz))
    start = local_midnight(first, config)
    lines = uow.distinguished.credits_of(member_id=member_id, org=org, start=start, end=now)
    history = credit_history(
        (Contribution(local_day(line.occurred_at, tz), line.type, line.points) for line in lines),
        track.types,
        first,
    )
    return history.as_dict()
