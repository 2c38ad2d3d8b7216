"""Distinguished Contributor terms: reminders, renewals, expiries and lifetime status.

A term ending on the day reviewed (or before it: a day the job missed) is judged on the
member's points in the track over the 12 months before its end. Every message is a
private Slack message through the outbox, keyed by the membership and the term's end
(``dc:reminder:<id>:<ends>``, ``dc:renewed:...``, ``dc:lifetime:...``,
``dc:expired:...``; for an organisation one per contact, the key ending in
``:<contact>``), so each is sent once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from bot.config import ProgrammeConfig
from bot.services.distinguished.common import local_midnight, long_date, points_in_track
from scoring.distinguished import (
    TermDecision,
    Track,
    add_years,
    decide_term,
    reminder_due,
    renewal_window,
    whole_years,
)
from scoring.records import ACTIVE, EXPIRED, LIFETIME, Membership
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class TermsOutcome:
    day: date
    reminded: int
    renewed: int
    expired: int
    lifetime: int
    outbox_keys: tuple[str, ...]

    @property
    def summary(self) -> str:
        return (
            f"distinguished terms on {self.day}: {self.reminded} reminders, "
            f"{self.renewed} renewed, {self.expired} expired, {self.lifetime} now lifetime"
        )


def _recipients(uow: UnitOfWork, config: ProgrammeConfig, membership: Membership) -> list[str]:
    if membership.member_id is not None:
        return [membership.slack_user] if membership.slack_user else []
    if membership.org is not None:
        contacts = next((o.contacts for o in config.organisations if o.slug == membership.org), [])
        if not contacts:
            org = uow.organisations.get(membership.org)
            contacts = list(org.contacts) if org is not None else []
        return list(contacts)
    return []


def _dm(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    membership: Membership,
    kind: str,
    ends: date,
    text: str,
    now: datetime,
) -> list[str]:
    keys: list[str] = []
    people = _recipients(uow, config, membership)
    for person in people:
        key = f"dc:{kind}:{membership.id}:{ends.isoformat()}"
        if membership.member_id is None:
            key += f":{person}"
        if uow.outbox.enqueue(key, "slack", "dm", person, {"text": text, "blocks": None}, now):
            keys.append(key)
    return keys


def _track_of(config: ProgrammeConfig, key: str) -> Track:
    found = config.distinguished.rules.track(key)
    return found if found is not None else Track(key=key, name=key)


def review_terms(
    uow: UnitOfWork, config: ProgrammeConfig, today: date, now: datetime
) -> TermsOutcome:
    """Remind members whose term ends soon; renew, expire or make lifetime those ending.

    ``today`` is a calendar day in the programme timezone. A term ending on ``today``
    (or before: a missed day) is judged on its points in the track over the 12 months
    before its end; a reminder is sent once per term end.
    """
    keys: list[str] = []
    counts = {"reminder": 0, "renewed": 0, "expired": 0, "lifetime": 0}
    for membership in uow.distinguished.all_memberships(statuses=(ACTIVE,)):
        if membership.ends is None:
            continue
        track = _track_of(config, membership.track)
        judged = _judge_ended_term(uow, config, membership, track, today)
        if judged is not None:
            status, ends, renewals, last = judged
            uow.distinguished.update_term(
                membership.id,
                status=status,
                ends=None if status == LIFETIME else ends,
                renewed_count=renewals,
            )
            kind, text = _ended_term_text(track, status, ends, last)
            keys += _dm(uow, config, membership, kind, last.ends, text, now)
            counts[kind] += 1
            continue
        reminder = _reminder_text(uow, config, membership, track, today, now)
        if reminder is not None:
            keys += _dm(uow, config, membership, "reminder", membership.ends, reminder, now)
            counts["reminder"] += 1
    return TermsOutcome(
        today,
        counts["reminder"],
        counts["renewed"],
        counts["expired"],
        counts["lifetime"],
        tuple(keys),
    )


def _judge_ended_term(
    uow: UnitOfWork, config: ProgrammeConfig, membership: Membership, track: Track, today: date
) -> tuple[str, date, int, TermDecision] | None:
    """The status, end date and renewal count of a membership whose term ended by
    ``today`` (judged term after term, for missed days), with the last decision; None
    when its term has not ended."""
    assert membership.ends is not None
    ends = membership.ends
    status, renewals = ACTIVE, membership.renewed_count
    last = None
    while ends <= today and status == ACTIVE:
        start, end = renewal_window(ends)
        points = points_in_track(
            uow,
            config,
            track,
            member_id=membership.member_id,
            org=membership.org,
            start=local_midnight(start, config),
            end=local_midnight(end, config),
        )
        last = decide_term(
            first_started=membership.first_started or membership.started,
            ends=ends,
            points=points,
            threshold=track.renewal_points,
            rules=config.distinguished.rules,
        )
        if last.outcome == "renewed":
            assert last.new_ends is not None
            ends, renewals = last.new_ends, renewals + 1
        elif last.outcome == "lifetime":
            status = LIFETIME
        else:
            status = EXPIRED
    return None if last is None else (status, ends, renewals, last)


def _ended_term_text(track: Track, status: str, ends: date, last: TermDecision) -> tuple[str, str]:
    """The kind of message (``lifetime``, ``expired``, ``renewed``) and its text."""
    if status == LIFETIME:
        return "lifetime", (
            f"You have been a {track.name} for {last.consecutive_years} consecutive "
            "years: your membership is now for life. Thank you!"
        )
    if status == EXPIRED:
        return "expired", (
            f"Your {track.name} term ended on {long_date(last.ends, year=True)}: "
            f"{last.points} points in the track over the last 12 months, "
            f"{last.threshold} were needed to renew. Thank you for everything you did; "
            "you can be nominated again in the next cycle."
        )
    return "renewed", (
        f"Your {track.name} term is renewed until {long_date(ends, year=True)} "
        f"({last.points} points in the track over the last 12 months). Thank you!"
    )


def _reminder_text(
    uow: UnitOfWork,
    config: ProgrammeConfig,
    membership: Membership,
    track: Track,
    today: date,
    now: datetime,
) -> str | None:
    """The reminder of a term ending soon, marked as sent; None when none is due (or
    another run marked it first)."""
    rules = config.distinguished.rules
    ends = membership.ends
    assert ends is not None
    if not reminder_due(ends, today, rules.reminder_months_before):
        return None
    if membership.reminded_for == ends or not uow.distinguished.mark_reminded(membership.id, ends):
        return None
    if (
        whole_years(membership.first_started or membership.started, ends)
        >= rules.lifetime_after_years
    ):
        return (
            f"Your {track.name} term ends on {long_date(ends, year=True)}; by then you "
            f"will have been a member for {rules.lifetime_after_years} consecutive "
            "years, which makes the membership lifetime."
        )
    so_far = points_in_track(
        uow,
        config,
        track,
        member_id=membership.member_id,
        org=membership.org,
        start=local_midnight(add_years(ends, -1), config),
        end=now,
    )
    return (
        f"Your {track.name} term ends on {long_date(ends, year=True)}. To renew it, "
        f"{track.renewal_points} points in the track are needed over the 12 months "
        f"before that day; you have {so_far} so far."
    )
