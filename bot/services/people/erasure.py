"""Forgetting a member who asked for it (``/credit forget me``, ``creditbot member forget``).

In one transaction: each credit's organisation is fixed first (it was derived from the
e-mail and affiliations about to go), then the credits are anonymised (counted for "a
former member"; notes and references that held the person go), the suggestions about
their messages lose snippets and links, identities, affiliations, activity and nudges
go, the member record stays anonymous (so counts such as new members stay right), the
stored payloads holding them are purged (inbox, outbox; the spool just after), and the
published shout-outs and review questions naming them are updated to the anonymous
wording through the outbox. The Distinguished Contributor programme's records of the
person are its own use case's (:mod:`bot.services.distinguished.after_erasure`); both
run in one transaction behind :func:`bot.services.forgetting.forget_person`. The audit
records that an erasure happened, never whom.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import replace
from datetime import datetime
from typing import Any

from bot.errors import InvalidInput
from bot.messages.rendering import render_shoutout_markdown
from bot.messages.slack.shoutout import shoutout_message
from bot.services.people.accounts import FORGET, MERGE, corrections_without_hidden
from bot.services.people.asked_by import unquote_questions
from scoring.models import IdentityKind, Member
from scoring.shoutout import ShoutoutContent
from storage.repositories.erasure import trace_pattern
from storage.repositories.rollups import bump_public_version
from storage.spool import EventSpool, spool_path
from storage.uow import UnitOfWork

ANONYMOUS = "a former member"
SPOOL_SCAN = 100_000
QUESTION_TEXT = "A message of a former member (erased at their request)."
EDIT_REASON = "a member asked to be forgotten"


def forget_member(uow: UnitOfWork, member: Member, by: str, now: datetime) -> list[str]:
    """Erase ``member``; the outbox keys of the updates to already-published messages."""
    if uow.people.erased_at(member.id) is not None:
        return []
    later = uow.people.merged_into(member.id)
    if later is not None and later.member_id is not None:
        raise InvalidInput(
            f"member {member.id} was merged into member {later.member_id}, which holds their "
            f"data now: `creditbot member forget {later.member_id}` erases both. Nothing was "
            "changed"
        )
    slack_id = member.identity(IdentityKind.SLACK)
    merged = _merged_into(uow, member.id)
    traces = _traces(member, [m.name for m in merged])
    asked_by_them = uow.erasure.suggested_by(slack_id) if slack_id else []
    uow.erasure.pin_and_anonymise_credits(member.id, _hidden_ref)
    suggestions = uow.erasure.anonymise_suggestions(member.id, slack_id)
    if slack_id:
        uow.erasure.drop_messages_to(slack_id)
    uow.erasure.purge_payloads(traces, ANONYMOUS, now)
    keys = _update_shoutouts(uow, member, traces, now)
    keys += unquote_questions(uow, member.id, asked_by_them, now)
    for row in suggestions:
        if row.question_channel and row.question_ts and row.id is not None:
            key = f"erased:{member.id}:question:{row.id}"
            payload = {"text": QUESTION_TEXT, "blocks": [], "ts": row.question_ts}
            uow.outbox.enqueue(key, "slack", "update", row.question_channel, payload, now)
            keys.append(key)
        if row.status == "open":
            row.status = "rejected"
            row.decided_at = now
    for record in (member, *merged):  # a merged record kept the person's name
        uow.erasure.erase_member(record.id, ANONYMOUS, now)
        uow.erasure.delete_nudges(record.id)
    uow.people.audit(FORGET, member.id, by, now)
    bump_public_version(uow.session)  # the name is gone from every page
    return keys


def erased_records(uow: UnitOfWork, member: Member) -> list[int]:
    """The records an erasure of ``member`` covers: theirs first, then those merged into it."""
    return [member.id, *(m.id for m in _merged_into(uow, member.id))]


def purge_spool(database_url: str, member: Member) -> int:
    """Drop the spooled events (serve's queue beside a SQLite file) that hold the member;
    run with the member as they were before :func:`forget_member`. How many."""
    path = spool_path(database_url)
    if path is None or not path.exists():
        return 0
    pattern = trace_pattern(_traces(member))
    if pattern is None:
        return 0
    spool = EventSpool(path)
    try:
        waiting = spool.oldest(SPOOL_SCAN)
        found = [i for i, payload in waiting if pattern.search(payload)]
        spool.remove(found)
        return len(found)
    finally:
        spool.close()


def _merged_into(uow: UnitOfWork, member_id: int) -> list[Member]:
    """The records merged into the member (and into those), not undone: other records of
    the same person, which kept their name when everything else moved."""
    found: dict[int, Member] = {}
    waiting = [member_id]
    while waiting:
        into = waiting.pop()
        for audit in uow.people.audits(into, MERGE):
            other = audit.other_member_id
            if audit.undone_at is None and other is not None and other not in found:
                record = uow.members.get(other)
                if record is not None and other != member_id:
                    found[other] = record
                    waiting.append(other)
    return list(found.values())


def _traces(member: Member, other_names: Sequence[str] = ()) -> list[str]:
    """What would name the person in a stored payload (longest first)."""
    values = {i.value for i in member.identities if len(i.value) >= 3}
    for name in (member.name, *other_names):
        if len(name.strip()) >= 3:
            values.add(name.strip())
    return sorted(values, key=len, reverse=True)


def _hidden_ref(ref: str) -> str:
    """A credit's reference without the account it held (still unique per credit)."""
    return "erased:" + hashlib.sha256(ref.encode("utf-8")).hexdigest()[:32]


def _update_shoutouts(
    uow: UnitOfWork, member: Member, traces: list[str], now: datetime
) -> list[str]:
    """Anonymise the published copies naming the member; update the Slack posts and
    edit the forum topics (through the outbox: a forum outage is retried)."""
    keys = []
    for month, record in uow.erasure.published_reports():
        if not _anonymise_record(record, member, traces):
            continue
        uow.erasure.set_published_content(month, record)
        shout = record.get("shoutout")
        # Rendered with today's choices: who has hidden since is not named either.
        content = _without_hidden(uow, ShoutoutContent.from_json(shout)) if shout else None
        for sent_key in record.get("outbox_keys") or []:
            sent = uow.outbox.by_key(sent_key)
            if sent is None or not sent.sent_ref:
                continue
            if sent_key.startswith("shoutout:slack:"):
                message = shoutout_message(content) if content else {}
                key = f"erased:{member.id}:shoutout:{month}"
                payload = {**message, "ts": sent.sent_ref}
                uow.outbox.enqueue(key, "slack", "update", sent.target, payload, now)
                keys.append(key)
            elif sent_key.startswith("shoutout:discourse:") and content is not None:
                key = f"erased:{member.id}:shoutout-forum:{month}"
                raw = render_shoutout_markdown(content)
                edit = {"raw": raw, "edit_reason": EDIT_REASON}
                uow.outbox.enqueue(key, "discourse", "edit", sent.sent_ref, edit, now)
                keys.append(key)
    return keys


def _without_hidden(uow: UnitOfWork, content: ShoutoutContent) -> ShoutoutContent:
    """The content without the members who are hidden today (counted, not named)."""
    hidden = uow.members.hidden()
    slack_ids = {m.identity(IdentityKind.SLACK) for m in hidden} - {None}
    usernames = {m.identity(IdentityKind.DISCOURSE) for m in hidden} - {None}
    names = {m.name for m in hidden}
    listed = tuple(
        m
        for m in content.members
        if not (m.slack_id in slack_ids or m.discourse_username in usernames)
    )
    welcomed = tuple(n for n in content.new_contributor_names if n not in names)
    return replace(
        content,
        members=listed,
        more_members=content.more_members + len(content.members) - len(listed),
        new_contributor_names=welcomed,
        corrections=corrections_without_hidden(uow, content.corrections),
    )


def _anonymise_record(record: dict[str, Any], member: Member, traces: list[str]) -> bool:
    changed = False
    report = record.get("report") or {}
    for entry in report.get("members") or []:
        if entry.get("member_id") == member.id:
            entry.update(name=ANONYMOUS, slack_id=None, discourse_username=None)
            changed = True
    shout = record.get("shoutout") or {}
    for entry in shout.get("members") or []:
        named = {entry.get("slack_id"), entry.get("discourse_username"), entry.get("name")}
        if named & set(traces):
            entry.update(name=ANONYMOUS, slack_id=None, discourse_username=None)
            changed = True
    for correction in shout.get("corrections") or []:  # "October: alice 5 -> 10 points"
        for change in correction.get("members") or []:
            named = {change.get("slack_id"), change.get("discourse_username"), change.get("name")}
            if change.get("key") == str(member.id) or named & set(traces):
                change.update(name=ANONYMOUS, slack_id=None, discourse_username=None)
                changed = True
    # The welcome names new contributors by name only: the erased one leaves it (still
    # counted in new_contributors, so the welcome says "and 1 more").
    names = shout.get("new_contributor_names") or []
    kept = [n for n in names if n.strip() not in {member.name.strip(), *traces}]
    if len(kept) != len(names):
        shout["new_contributor_names"] = kept
        changed = True
    return changed
