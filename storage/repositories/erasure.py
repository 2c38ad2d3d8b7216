"""Erasing a member who asked for it: the rows and stored payloads that would name them.

The repository never commits; :func:`bot.services.people.erasure.forget_member` calls these in
one transaction, in order.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import delete, or_, select, update
from sqlmodel import Session

from storage.tables import (
    ActivityRow,
    AffiliationRow,
    CreditRow,
    DcMembershipRow,
    DcNominationRow,
    IdentityRow,
    InboxRow,
    MemberRow,
    NudgeRow,
    OutboxRow,
    PublishedReportRow,
    SuggestionRow,
    columns,
)

_member = columns(MemberRow)
_activity = columns(ActivityRow)
_outbox = columns(OutboxRow)
_inbox = columns(InboxRow)

ERASED_NOMINATION = "(Erased at the nominee's request: the reasons, links and credits are gone.)"


def trace_pattern(traces: Sequence[str]) -> re.Pattern[str] | None:
    """Matches a trace where it stands on its own (any case): erasing "Est" must not
    touch an event of "esther_o", nor a message about "Estonia"."""
    if not traces:
        return None
    either = "|".join(re.escape(t) for t in sorted(traces, key=len, reverse=True))
    return re.compile(rf"(?<!\w)(?:{either})(?!\w)", re.IGNORECASE)


class ErasureRepository:
    def __init__(self, session: Session) -> None:
        self._session = session

    def pin_and_anonymise_credits(self, member_id: int, hide_ref: Callable[[str], str]) -> int:
        """Fix each credit's organisation (it was derived from the e-mail and affiliations
        about to be erased) and drop what names the person (notes, references holding
        their account); points, types and dates stay. Returns how many."""
        rows = list(
            self._session.execute(
                select(CreditRow).where(columns(CreditRow).member_id == member_id)
            ).scalars()
        )
        for row in rows:
            row.explicit_organisation = row.organisation
            row.note = ""
            row.source_ref = hide_ref(row.source_ref)
        self._session.flush()
        return len(rows)

    def suggested_by(self, slack_id: str) -> list[SuggestionRow]:
        """The questions someone's thanks or nomination raised (about others' messages)."""
        return list(
            self._session.execute(
                select(SuggestionRow).where(columns(SuggestionRow).suggested_by == slack_id)
            ).scalars()
        )

    def anonymise_suggestions(self, member_id: int, slack_id: str | None) -> list[SuggestionRow]:
        """Drop the snippets, reasons and account of the suggestions about the member's
        messages (and their name as a suggester); the ones about their messages."""
        if slack_id:
            self._session.execute(
                update(SuggestionRow)
                .where(columns(SuggestionRow).suggested_by == slack_id)
                .values(suggested_by=None, reason="")
            )
        rows = list(
            self._session.execute(
                select(SuggestionRow).where(columns(SuggestionRow).author_member_id == member_id)
            ).scalars()
        )
        for row in rows:
            row.snippet, row.reason, row.author_ref, row.permalink = "", "", "", None
        self._session.flush()
        return rows

    def purge_payloads(self, traces: Sequence[str], replacement: str, now: datetime) -> int:
        """Remove the traces (identities, name) from stored payloads: a received event
        holding one loses its payload (its key stays, so a redelivery is still known; a
        pending one is not handled any more); a message to send or sent has them
        replaced. Returns how many rows changed."""
        changed = 0
        pattern = trace_pattern(traces)
        if pattern is None:
            return 0
        for trace in traces:  # the database narrows by substring, the pattern decides
            for row in self._session.execute(
                select(InboxRow).where(_inbox.payload.contains(trace, autoescape=True))
            ).scalars():
                if row.payload and pattern.search(row.payload):
                    row.payload, row.status, row.processed_at = "", "done", now
                    changed += 1
        written = trace_pattern([json.dumps(t, ensure_ascii=False)[1:-1] for t in traces])
        assert written is not None
        for row in list(self._session.execute(select(OutboxRow)).scalars()):
            text = json.dumps(row.payload, ensure_ascii=False)
            cleaned = written.sub(replacement, text)
            if cleaned != text:
                row.payload = json.loads(cleaned)
                changed += 1
        self._session.flush()
        return changed

    def delete_nudges(self, member_id: int) -> None:
        self._session.execute(delete(NudgeRow).where(columns(NudgeRow).member_id == member_id))

    def drop_messages_to(self, target: str) -> int:
        """Messages still waiting for someone who asked to be forgotten."""
        result = self._session.execute(
            delete(OutboxRow).where(_outbox.target == target, _outbox.status == "pending")
        )
        return int(getattr(result, "rowcount", 0) or 0)

    def published_reports(self) -> list[tuple[str, dict[str, Any]]]:
        rows = self._session.execute(
            select(PublishedReportRow).order_by(columns(PublishedReportRow).month)
        ).scalars()
        return [(r.month, dict(r.content)) for r in rows]

    def set_published_content(self, month: str, content: dict[str, Any]) -> None:
        self._session.execute(
            update(PublishedReportRow)
            .where(columns(PublishedReportRow).month == month)
            .values(content=content)
        )

    def erase_member(self, member_id: int, anonymous_name: str, at: datetime) -> None:
        """Forget who the member was: identities, affiliations, activity and profile go;
        the row stays (anonymous) so counts such as new members stay right."""
        self._session.execute(
            delete(IdentityRow).where(columns(IdentityRow).member_id == member_id)
        )
        self._session.execute(
            delete(AffiliationRow).where(columns(AffiliationRow).member_id == member_id)
        )
        self._session.execute(delete(ActivityRow).where(_activity.member_id == member_id))
        self._session.execute(
            update(MemberRow)
            .where(_member.id == member_id)
            .values(
                name=anonymous_name,
                show_publicly=False,
                nudges_opted_out=True,
                credit_notices_off=True,
                profile_refreshed_at=None,
                erased_at=at,
            )
        )

    def anonymise_nominations(
        self, member_ids: Sequence[int], slack_id: str | None, erased_key: Callable[[int], str]
    ) -> list[int]:
        """The Distinguished Contributor records about the person lose every text and
        identity, the rows stay (counts and terms stay right): a nomination of them keeps
        its track, cycle, status and tally but not its justification, links and evidence,
        and its nominee key (like their term's) becomes ``erased_key(member id)``; a
        nomination they wrote loses its author. Votes stay (the panel's). The ids of the
        nominations changed, oldest first."""
        nomination = columns(DcNominationRow)
        about = nomination.nominee_member_id.in_(list(member_ids))
        wrote = nomination.nominator == slack_id if slack_id else None
        where = about if wrote is None else or_(about, wrote)
        rows = list(
            self._session.execute(
                select(DcNominationRow).where(where).order_by(nomination.id)
            ).scalars()
        )
        for row in rows:
            if row.nominee_member_id in member_ids:
                row.nominee_key = erased_key(row.nominee_member_id)
                row.justification = ERASED_NOMINATION
                row.links, row.evidence = "[]", "{}"
            if slack_id and row.nominator == slack_id:
                row.nominator = erased_key(member_ids[0])
        for term in self._session.execute(
            select(DcMembershipRow).where(columns(DcMembershipRow).member_id.in_(list(member_ids)))
        ).scalars():
            assert term.member_id is not None
            term.nominee_key = erased_key(term.member_id)
        self._session.flush()
        return [r.id for r in rows if r.id is not None]
