"""The words of partner standing: private warnings, welcome backs, the public note, summaries.

Only :func:`removal_announcement` is public, and it takes nothing but the organisation:
no reason, amount or conduct detail can reach it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Any

from bot.messages.escaping import slack_text
from scoring.inactivity import Decline
from scoring.ladder import LadderChange, Move
from scoring.models import Organisation
from scoring.months import Month
from scoring.standing import PartnerRules, Rule, StandingEvaluation
from scoring.tiers import Tier


@dataclass(frozen=True)
class StandingView:
    """One partner's line of ``creditbot standing``."""

    slug: str
    name: str
    good_standing: bool
    reasons: tuple[str, ...]
    warning_level: int
    referrals_paused: bool
    listed: bool
    evaluated: bool
    tier: Tier | None = None

    def to_json(self) -> dict[str, Any]:
        """The contract's shape of one entry of ``standing --format json``."""
        return {
            "slug": self.slug,
            "good_standing": self.good_standing,
            "reasons": list(self.reasons),
            "warning_level": self.warning_level,
            "referrals_paused": self.referrals_paused,
            "listed": self.listed,
            "evaluated": self.evaluated,
        }


@dataclass(frozen=True)
class PartnerResult:
    organisation: Organisation
    evaluation: StandingEvaluation
    change: LadderChange


if TYPE_CHECKING:
    from storage.repositories.standing import StandingDecision

_LEVEL_WORDS = {
    0: "in good standing",
    1: "level 1 (private warning)",
    2: "level 2 (referrals paused)",
    3: "level 3 (not listed)",
}


def level_words(level: int) -> str:
    return _LEVEL_WORDS.get(level, f"level {level}")


def clear_by(evaluation: StandingEvaluation, rules: PartnerRules) -> Month:
    """The first month that can be in good standing again: the next one, unless a
    code-of-conduct record still counts then."""
    earliest = evaluation.month.next()
    for s in evaluation.shortfalls:
        if s.rule == Rule.CONDUCT and s.clears_after is not None:
            earliest = max(earliest, s.clears_after.next())
    return earliest


def _fix(rule: Rule, evaluation: StandingEvaluation, org: Organisation, rules: PartnerRules) -> str:
    if rule == Rule.PRACTICAL:
        return (
            f"reach at least {_num(evaluation.minimum_points)} points every month: "
            "contributions by your people (code, reviews, answers in Slack or on the forum, "
            "talks, posts) credited by the team leads"
        )
    if rule == Rule.FINANCIAL:
        where = (
            f" (your minimum, adjusted for {org.country} by the Big Mac index)"
            if org.country
            else ""
        )
        return (
            f"pay at least ${evaluation.minimum_usd:,.2f} every month{where}. A payment made "
            "but missing from our records: tell a programme manager its date and amount; "
            "once recorded, they can count it for this month"
        )
    return (
        f"a code-of-conduct record counts for {rules.conduct_window_months} months; "
        "the programme managers can tell you more"
    )


def _shown(org: Organisation) -> Organisation:
    """The organisation with its name as Slack must show it (a name is typed by people)."""
    return replace(org, name=slack_text(org.name))


def warning(
    org: Organisation,
    evaluation: StandingEvaluation,
    change: LadderChange,
    rules: PartnerRules,
    managers: Sequence[str] = (),
) -> str:
    """The private message to a partner's contacts at levels 1, 2 and 3."""
    org = _shown(org)
    month = evaluation.month
    step = change.step
    intro = {
        Move.WARNED: (
            f"this is the first month short, so this is a private warning: nothing changes "
            f"for {org.name} yet."
        ),
        Move.PAUSED: (
            f"this is the second month in a row, so referrals from the partner directory "
            f"are paused until {org.name} is back in good standing."
        ),
        Move.REMOVED: (
            f"this is the third month in a row, so {org.name} is removed from the public "
            "partner list and referrals stay paused. A short, neutral note says so in the "
            "announcements channel, without any of the details below."
        ),
        Move.STILL_REMOVED: (
            f"another month short, so {org.name} stays off the public partner list and "
            "referrals stay paused."
        ),
    }.get(change.move, "")
    lines = [
        f"*Partner standing for {month.label()}: {org.name}*",
        f"{org.name} did not meet its partner commitments for {month.label()}; {intro}",
        "",
        "*What fell short*",
    ]
    lines += [f"• {reason}" for reason in evaluation.reasons]
    rules_missed = list(dict.fromkeys(s.rule for s in evaluation.shortfalls))
    lines += ["", "*How to fix it*"]
    lines += [f"• {_fix(rule, evaluation, org, rules)}" for rule in rules_missed]
    back = clear_by(evaluation, rules)
    next_step = {
        1: "referrals from the partner directory are paused",
        2: f"{org.name} is removed from the public partner list",
    }.get(step.level, f"{org.name} stays off the public partner list")
    lines += [
        "",
        "*What brings you back*",
        f"One month that meets every commitment: if {back.label()} does, {org.name} is in "
        "good standing again as soon as that month is evaluated, and every step is lifted "
        f"(listing and referrals included). If the next evaluated month falls short too, "
        f"{next_step}.",
    ]
    if managers:
        people = ", ".join(f"<@{m}>" for m in managers)
        lines += ["", f"Questions, or a payment missing from our records? Write to {people}."]
    return "\n".join(lines)


def welcome_back(org: Organisation, month: Month, change: LadderChange) -> str:
    """The private message when a partner is back in good standing."""
    org = _shown(org)
    before = change.previous.level if change.previous else 0
    restored = []
    if before >= 2:
        restored.append("referrals from the partner directory are back on")
    if before >= 3:
        restored.append(f"{org.name} is listed as a partner again")
    joined = "; ".join(restored)
    tail = f" {joined[:1].upper()}{joined[1:]}." if restored else ""
    return (
        f"*Welcome back, {org.name}!* {org.name} met every partner commitment for "
        f"{month.label()}, so it is in good standing again and the earlier warnings are "
        f"lifted.{tail} "
        "Thank you for your contributions to the community."
    )


def removal_announcement(org: Organisation) -> str:
    """The public note of a partner leaving the list: neutral, and nothing private."""
    org = _shown(org)
    return (
        f"Partner list update: {org.name} is no longer listed as a partner of the programme. "
        "Thank you for the contributions so far; the door stays open."
    )


def decision_notice(org: Organisation, decision: StandingDecision, before: int, after: int) -> str:
    """The private message to a partner's contacts when a programme manager's waive or
    reset changes where it stands."""
    if decision.kind == "waive":
        what = (
            f"A programme manager has waived {decision.month.label()} for {org.name}: it counts "
            "as a month in good standing"
        )
    else:
        what = f"A programme manager has reset {org.name}'s partner standing"
    restored = []
    if before >= 2 and after < 2:
        restored.append("referrals from the partner directory are back on")
    if before >= 3 and after < 3:
        restored.append(f"{org.name} is listed as a partner again")
    tail = f" {'; '.join(restored).capitalize()}." if restored else ""
    where = (
        f"{org.name} stays {level_words(after)}."
        if after == before
        else f"{org.name} is now {level_words(after)} (it was {level_words(before)})."
    )
    return f"*Partner standing: {org.name}*\n{what} (reason: {decision.reason}). {where}{tail}"


def relisted_announcement(org: Organisation) -> str:
    """The public note of a partner back on the list: neutral, and nothing private."""
    return (
        f"Partner list update: {org.name} is listed as a partner of the programme again. "
        "Welcome back!"
    )


def manager_summary(
    month: Month,
    results: Sequence[PartnerResult],
    declines: Sequence[Decline],
    announcements: str | None,
) -> str:
    """The programme managers' private monthly summary."""
    good = [r for r in results if r.change.step.level == 0]
    moved = [r for r in results if r.change.move != Move.STAYED_GOOD]
    lines = [f"*Partner standing for {month.label()}* (private)"]
    names = ", ".join(slack_text(r.organisation.name) for r in good) or "none"
    lines.append(f"In good standing ({len(good)} of {len(results)}): {names}")
    lines.append("")
    lines.append("*Moved on the ladder*" if moved else "Nobody moved on the ladder.")
    for r in moved:
        before = r.change.previous.level if r.change.previous else 0
        after = r.change.step.level
        lines.append(
            f"• {slack_text(r.organisation.name)} ({r.organisation.slug}): "
            f"level {before} → {after}, {level_words(after)}"
        )
        lines += [f"    – {reason}" for reason in r.evaluation.reasons]
        if r.change.move != Move.RESTORED and not r.organisation.contacts:
            lines.append("    – no contacts configured: nobody at the partner was told")
        if r.change.move == Move.REMOVED and not announcements:
            lines.append("    – no slack.announcements_channel configured: nothing was announced")
    if declines:
        lines.append("")
        lines.append("*Declined against their 3-month average*")
        for d in declines:
            lines.append(
                f"• {d.slug}: {d.points} points in {month} against {_num(d.average)} "
                f"(down {d.drop:.0%})"
            )
    return "\n".join(lines)


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"


def render_standing(month: Month, views: Sequence[StandingView]) -> str:
    """The text of ``creditbot standing``."""
    lines = [f"Partner standing, {month.label()}"]
    if not views:
        lines.append("no partner organisations configured (organisations with partner: true)")
    for v in views:
        state = "good standing" if v.good_standing else "not in good standing"
        flags = [
            f"warning level {v.warning_level}",
            "listed" if v.listed else "not listed",
            "referrals paused" if v.referrals_paused else "referrals on",
        ]
        if v.tier is not None:
            badges = f" ({', '.join(v.tier.badges)})" if v.tier.badges else ""
            flags.append(f"tier {v.tier.name or 'none'}{badges}")
        preview = "" if v.evaluated else " [preview: not evaluated yet]"
        lines.append(f"{v.slug:<16} {v.name}: {state}{preview}")
        lines.append(f"{'':<16} {'; '.join(flags)}")
        lines += [f"{'':<16} - {reason}" for reason in v.reasons]
    return "\n".join(lines)
