"""The monthly shout-out jobs: the private draft, then the post itself.

``post_monthly_shoutout`` writes, in ONE transaction, the frozen record of the month
(``published_report``), the outbox rows of the Slack post and the Discourse topic,
and the end of its job run; the outbox worker delivers them. Running it again for a
published month writes nothing, so nothing is posted twice.

Outbox keys: ``shoutout:slack:<channel>:<YYYY-MM>``, ``shoutout:discourse:<category>:
<YYYY-MM>`` (the topic's external id is ``creditbot-shoutout-<YYYY-MM>``) and, for the
draft, ``shoutout-draft:slack:<user>:<YYYY-MM>``.
"""

from __future__ import annotations

from datetime import datetime

from bot.config import ProgrammeConfig
from bot.errors import InvalidInput
from bot.jobs.cadence import Monthly
from bot.jobs.runs import JobOutcome
from bot.messages.rendering import render_shoutout_markdown, shoutout_title
from bot.messages.slack.shoutout import draft_message, shoutout_message
from bot.runtime import Runtime
from bot.services.ledger.published import report_record
from bot.services.ledger.shoutout import NOTE_MAX_CHARS, build_shoutout
from scoring.months import Month
from storage.uow import UnitOfWork

RECORD_VERSION = 1


def shoutout_cadence(config: ProgrammeConfig) -> Monthly:
    return Monthly(hour=config.shoutout.hour)


def draft_cadence(config: ProgrammeConfig) -> Monthly:
    return Monthly(hour=config.shoutout.hour, hours_before=config.shoutout.draft_hours_before)


def external_id(month: Month) -> str:
    return f"creditbot-shoutout-{month}"


def post_monthly_shoutout(runtime: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
    """Publish ``period``'s shout-out: record it and queue the Slack post and forum topic."""
    month = Month.parse(period)
    config = runtime.config
    now = runtime.now()
    existing = uow.reports.published(period)
    if existing is not None:
        return JobOutcome(
            f"{month.label()} was published on {existing.published_at:%Y-%m-%d}; "
            "nothing more to post"
        )
    content, report = build_shoutout(uow, config, month)
    keys: list[str] = []
    channel = config.slack.shoutout_channel
    if channel:
        key = f"shoutout:slack:{channel}:{period}"
        uow.outbox.enqueue(key, "slack", "post", channel, shoutout_message(content), now)
        keys.append(key)
    category = config.discourse.shoutout_category_id
    if category is not None:
        key = f"shoutout:discourse:{category}:{period}"
        payload = {
            "title": shoutout_title(content),
            "raw": render_shoutout_markdown(content),
            "external_id": external_id(month),
        }
        uow.outbox.enqueue(key, "discourse", "topic", str(category), payload, now)
        keys.append(key)
    uow.reports.publish(
        period,
        {
            "version": RECORD_VERSION,
            "report": report_record(report),
            "shoutout": content.to_json(),
            "outbox_keys": keys,
        },
        now,
    )
    where = " and ".join(k.split(":")[1].capitalize() for k in keys) or "nowhere (none configured)"
    return JobOutcome(
        f"{month.label()} shout-out: {content.contributors} contributors, "
        f"{len(content.organisations)} organisations listed; posting to {where}",
        tuple(keys),
    )


def _when(moment: datetime, config: ProgrammeConfig) -> str:
    local = moment.astimezone(config.tz)
    return f"on {local:%A} {local.day} {local:%B} at {local:%H:%M} ({config.timezone})"


def send_shoutout_draft(runtime: Runtime, period: str, uow: UnitOfWork) -> JobOutcome:
    """Send programme managers a private preview of ``period``'s shout-out."""
    month = Month.parse(period)
    config = runtime.config
    now = runtime.now()
    post_at = shoutout_cadence(config).due_at(period, config.tz)
    if not config.shoutout.draft_hours_before:
        return JobOutcome("drafts are turned off (shoutout.draft_hours_before is 0)")
    if now >= post_at:
        return JobOutcome(f"too late for a draft of {month.label()}: it is posted already")
    if not config.slack.program_managers:
        return JobOutcome("no programme managers to send a draft to")
    if uow.reports.published(period) is not None:
        return JobOutcome(f"{month.label()} is published already; no draft")
    content, _report = build_shoutout(uow, config, month)
    message = draft_message(content, config.slack.shoutout_channel, _when(post_at, config))
    keys: list[str] = []
    for manager in config.slack.program_managers:
        key = f"shoutout-draft:slack:{manager}:{period}"
        uow.outbox.enqueue(key, "slack", "dm", manager, message, now)
        keys.append(key)
    return JobOutcome(
        f"draft of {month.label()} sent to {len(keys)} programme managers", tuple(keys)
    )


def set_note(runtime: Runtime, month: Month, text: str, author: str | None) -> None:
    """Set (or replace) the note of ``month``'s shout-out, before it is published."""
    text = text.strip()
    if not text:
        raise InvalidInput("the note is empty")
    if len(text) > NOTE_MAX_CHARS:
        raise InvalidInput(f"the note has {len(text)} characters; at most {NOTE_MAX_CHARS}")
    with runtime.uow() as uow:
        if uow.reports.published(str(month)) is not None:
            raise InvalidInput(
                f"{month.label()} is already published; a note can only go in a coming "
                f"shout-out (e.g. --month {month.next()})"
            )
        uow.reports.set_note(str(month), text, author, runtime.now())
        uow.commit()
