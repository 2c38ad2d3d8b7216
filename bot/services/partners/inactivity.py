"""Quiet members and slipping organisations: nudges, welcome backs and decline alerts.

``run_inactivity`` decides (through :mod:`scoring.inactivity`) and writes every message
to the outbox in the caller's transaction, with the nudges it records:

- a friendly private nudge to a member quiet for ``inactivity.member_days``
  (``inactivity:nudge:<member id>:<last active day>``: one per quiet spell): a Slack
  DM, or for a member with a forum account and no Slack one, a Discourse private
  message (:mod:`bot.messages.inactivity`), with the same cooldown;
- a short welcome back to a member returning after such a gap
  (``inactivity:welcome:<member id>:<day of return>``);
- a private alert to each programme manager about an organisation whose last month
  fell by ``org_decline_ratio`` against its 3-month average
  (``inactivity:decline:<slug>:<YYYY-MM>:dm:<manager>``).

Members who opted out with ``/credit quiet`` get neither nudges nor welcome backs.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from bot.config import ProgrammeConfig
from bot.messages.inactivity import ForumMessage, forum_nudge, forum_welcome_back
from bot.messages.words import plural
from bot.services.partners.facts import inactivity_rules, monthly_points
from scoring.inactivity import (
    Decline,
    MemberActivity,
    declining_organisations,
    members_to_nudge,
    members_to_welcome_back,
)
from scoring.months import Month
from storage.repositories.nudges import NUDGE, WELCOME_BACK, Reachable
from storage.uow import UnitOfWork


@dataclass(frozen=True)
class InactivityRun:
    day: date
    nudged: int
    welcomed: int
    declines: tuple[Decline, ...]
    outbox_keys: tuple[str, ...]

    @property
    def summary(self) -> str:
        return (
            f"inactivity for {self.day}: {self.nudged} nudges, {self.welcomed} welcome backs, "
            f"{len(self.declines)} organisations declining"
        )


def run_inactivity(
    uow: UnitOfWork, config: ProgrammeConfig, at: datetime, now: datetime
) -> InactivityRun:
    """Nudge, welcome back and alert as of ``at``; the caller commits."""
    rules = inactivity_rules(config)
    tz = config.tz
    today = at.astimezone(tz).date()
    since = at - timedelta(days=rules.member_days + rules.welcome_back_days + 1)
    days = uow.nudges.active_days(since, at, tz)
    reachable = {r.member_id: r for r in uow.nudges.reachable_members()}
    last_nudge = uow.nudges.last_sent(NUDGE)
    last_welcome = uow.nudges.last_sent(WELCOME_BACK)
    activity = [
        MemberActivity(
            member_id=r.member_id,
            active_days=tuple(sorted(days.get(r.member_id, ()))),
            opted_out=r.opted_out,
            last_nudge=last_nudge[r.member_id].astimezone(tz).date()
            if r.member_id in last_nudge
            else None,
            last_welcome_back=last_welcome[r.member_id].astimezone(tz).date()
            if r.member_id in last_welcome
            else None,
        )
        for r in reachable.values()
    ]
    keys: list[str] = []
    last_month = Month.of(today).previous()
    happening = _whats_happening(uow, config, last_month)
    nudged = welcomed = 0
    for nudge in members_to_nudge(activity, today, rules):
        who = reachable[nudge.member_id]
        key = f"inactivity:nudge:{who.member_id}:{nudge.last_active}"
        if who.slack_id is None:
            sent = _pm(uow, key, who, forum_nudge(who.name, config, happening), now)
        else:
            sent = _dm(uow, key, who.slack_id, _nudge_text(who, config, happening), now)
        if sent:
            uow.nudges.record(who.member_id, NUDGE, at)
            keys.append(key)
            nudged += 1
    for back in members_to_welcome_back(activity, today, rules):
        who = reachable[back.member_id]
        key = f"inactivity:welcome:{who.member_id}:{back.returned_on}"
        if who.slack_id is None:
            sent = _pm(uow, key, who, forum_welcome_back(who.name, back.away_days, config), now)
        else:
            sent = _dm(uow, key, who.slack_id, _welcome_text(who, back.away_days), now)
        if sent:
            uow.nudges.record(who.member_id, WELCOME_BACK, at)
            keys.append(key)
            welcomed += 1
    declines = _declines(uow, config, last_month)
    for decline in declines:
        text = _decline_text(decline, uow.organisations.names().get(decline.slug, decline.slug))
        for manager in config.slack.program_managers:
            key = f"inactivity:decline:{decline.slug}:{last_month}:dm:{manager}"
            if _dm(uow, key, manager, text, now):
                keys.append(key)
    return InactivityRun(today, nudged, welcomed, tuple(declines), tuple(keys))


def _declines(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> list[Decline]:
    staff = {o.slug for o in uow.organisations.all() if o.staff}
    months = tuple(month.shift(-k) for k in range(3, -1, -1))
    points = {s: p for s, p in monthly_points(uow, config, months).items() if s not in staff}
    return declining_organisations(points, month, inactivity_rules(config))


def _dm(uow: UnitOfWork, key: str, user: str, text: str, now: datetime) -> bool:
    return uow.outbox.enqueue(key, "slack", "dm", user, {"text": text, "blocks": None}, now)


def _pm(uow: UnitOfWork, key: str, who: Reachable, message: ForumMessage, now: datetime) -> bool:
    """A private message on the forum, for a member the bot cannot reach in Slack."""
    assert who.discourse_username is not None  # reachable: a Slack or a forum account
    return uow.outbox.enqueue(
        key, "discourse", "pm", who.discourse_username, message.payload(), now
    )


def _whats_happening(uow: UnitOfWork, config: ProgrammeConfig, month: Month) -> str:
    totals = uow.monthly.member_totals(str(month))
    if not totals:
        return ""
    credits = sum(t.credits for t in totals)
    people = len(totals)
    return (
        f"In {month.label()}, {plural(people, 'person was', 'people were')} "
        f"credited for {plural(credits, 'contribution')}. "
    )


def _first_name(who: Reachable) -> str:
    return who.name.split()[0] if who.name.strip() else "there"


def _nudge_text(who: Reachable, config: ProgrammeConfig, happening: str) -> str:
    return (
        f"Hi {_first_name(who)}! We have not seen you around for a while, and we miss you. "
        f"{happening}If you would like to help: {config.shoutout.how_to_get_listed}\n"
        "Not for you right now? Type `/credit quiet` and I will not send these again."
    )


def _welcome_text(who: Reachable, away_days: int) -> str:
    return (
        f"Welcome back, {_first_name(who)}! It is good to see you again after {away_days} "
        "days. `/credit me` shows your credits, and `/credit help` what else I can do."
    )


def _decline_text(decline: Decline, name: str) -> str:
    average = (
        str(int(decline.average)) if float(decline.average).is_integer() else f"{decline.average}"
    )
    return (
        f"*Decline alert* (private): {name} ({decline.slug}) had {decline.points} points in "
        f"{decline.month.label()}, down {decline.drop:.0%} against its average of {average} "
        "over the three months before."
    )
