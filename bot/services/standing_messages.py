"""The words of partner standing: private warnings, welcome backs, the public note, summaries.

Only :func:`removal_announcement` is public, and it takes nothing but the organisation:
no reason, amount or conduct detail can reach it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING

from bot.escaping import slack_text
from scoring.inactivity import Decline
from scoring.ladder import LadderChange, Move
from scoring.models import Organisation
from scoring.months import Month
from scoring.standing import PartnerRules, Rule, StandingEvaluation

if TYPE_CHECKING:
    from bot.services.standing import PartnerResult, StandingView

_LEVEL_WORDS = {
    0: "in good standing",
    1: "level 1 (private warning)",
    2: "level 2 (referrals paused)",
    3: "level 3 (not listed)",
}


def level_words(level: int) -> str:
    return _LEVEL_WORDS.get(level, f"level {level}")


def clear_by(evaluation: StandingEvaluation, rules: PartnerRules) -> Month:
    """The first month whose evaluation no longer sees any of today's shortfalls."""
    latest = evaluation.month.next()
    for s in evaluation.shortfalls:
        if s.rule == Rule.CONDUCT and s.clears_after is not None:
            candidate = s.clears_after.next()
        elif s.month is not None:
            candidate = s.month.shift(max(rules.window_months, 1))
        else:
            continue
        latest = max(latest, candidate)
    return latest


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
            "but missing from our records counts for its month once a programme manager "
            "records it: tell them its date and amount"
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
        Move.WARNED: (f"this is a first, private warning: nothing changes for {org.name} yet."),
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
            f"{org.name} stays off the public partner list and referrals stay paused."
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
    following = month.next()
    span = following.label() if following == back else f"{following.label()} to {back.label()}"
    next_step = {
        1: "referrals from the partner directory are paused",
        2: f"{org.name} is removed from the public partner list",
    }.get(step.level, f"{org.name} stays off the public partner list")
    lines += [
        "",
        "*By when*",
        f"{back.label()} at the earliest. Each of the last {rules.window_months} months must "
        f"meet the commitments, so if every month from {span} meets them, {back.label()} is "
        f"in good standing and every step is lifted (listing and referrals included). "
        f"Until then, each evaluated month not in good standing moves one step up: next, "
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
