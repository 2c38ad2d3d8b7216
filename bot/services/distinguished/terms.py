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
    rules = config.distinguished.rules
    keys: list[str] = []
    reminded = renewed = expired = lifetime = 0
    for membership in uow.distinguished.all_memberships(statuses=(ACTIVE,)):
        if membership.ends is None:
            continue
        track = _track_of(config, membership.track)
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
                rules=rules,
            )
            if last.outcome == "renewed":
                assert last.new_ends is not None
                ends, renewals = last.new_ends, renewals + 1
            elif last.outcome == "lifetime":
                status = LIFETIME
            else:
                status = EXPIRED
        if last is not None:
            new_ends = None if status == LIFETIME else ends
            uow.distinguished.update_term(
                membership.id, status=status, ends=new_ends, renewed_count=renewals
            )
            if status == LIFETIME:
                lifetime += 1
                text = (
                    f"You have been a {track.name} for {last.consecutive_years} consecutive "
                    "years: your membership is now for life. Thank you!"
                )
                keys += _dm(uow, config, membership, "lifetime", last.ends, text, now)
            elif status == EXPIRED:
                expired += 1
                text = (
                    f"Your {track.name} term ended on {long_date(last.ends, year=True)}: "
                    f"{last.points} points in the track over the last 12 months, "
                    f"{last.threshold} were needed to renew. Thank you for everything you did; "
                    "you can be nominated again in the next cycle."
                )
                keys += _dm(uow, config, membership, "expired", last.ends, text, now)
            else:
                renewed += 1
                text = (
                    f"Your {track.name} term is renewed until {long_date(ends, year=True)} "
                    f"({last.points} points in the track over the last 12 months). Thank you!"
                )
                keys += _dm(uow, config, membership, "renewed", last.ends, text, now)
            continue
        months = rules.reminder_months_before
        if reminder_due(ends, today, months) and membership.reminded_for != ends:
            if not uow.distinguished.mark_reminded(membership.id, ends):
                continue
            start = add_years(ends, -1)
            so_far = points_in_track(
                uow,
                config,
                track,
                member_id=membership.member_id,
                org=membership.org,
                start=local_midnight(start, config),
                end=now,
            )
            if (
                whole_years(membership.first_started or membership.started, ends)
                >= rules.lifetime_after_years
            ):
                text = (
                    f"Your {track.name} term ends on {long_date(ends, year=True)}; by then you "
                    f"will have been a member for {rules.lifetime_after_years} consecutive "
                    "years, which makes the membership lifetime."
                )
            else:
                text = (
                    f"Your {track.name} term ends on {long_date(ends, year=True)}. To renew it, "
                    f"{track.renewal_points} points in the track are needed over the 12 months "
                    f"before that day; you have {so_far} so far."
                )
            keys += _dm(uow, config, membership, "reminder", ends, text, now)
            reminded += 1
    return TermsOutcome(today, reminded, renewed, expired, lifetime, tuple(keys))
