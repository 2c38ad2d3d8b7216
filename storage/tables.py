"""SQLModel tables. These are rows, not domain objects: repositories convert them.

(Over 300 lines: every table in one module, so that the schema reads in one place beside
the migrations.)

Every datetime is an aware UTC datetime (``UTCDateTime``). Unique keys carry the
exactly-once promises: ``credit(source, source_ref)``, ``inbox(source, key)``,
``outbox(key)``, ``job_run(job, period)``, ``suggestion(channel, message_ts)``.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, cast

from sqlalchemy import JSON, Column, Index, Table, Text, UniqueConstraint, text
from sqlalchemy.sql.base import ReadOnlyColumnCollection
from sqlmodel import Field, SQLModel

from storage.types import UTCDateTime


class MemberRow(SQLModel, table=True):
    __tablename__ = "member"

    id: int | None = Field(default=None, primary_key=True)
    name: str
    first_seen: datetime | None = Field(default=None, sa_type=UTCDateTime, index=True)
    is_bot: bool = False
    show_publicly: bool = True
    nudges_opted_out: bool = False
    profile_refreshed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    credit_notices_off: bool = False
    erased_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class MemberAuditRow(SQLModel, table=True):
    """A change to members a person asked for or a manager made (hide, show, merge,
    revoke, erasure...): who, when, and what is needed to undo it (a merge). Never the
    erased data itself."""

    __tablename__ = "member_audit"
    __table_args__ = (Index("ix_member_audit_member", "member_id", "action"),)

    id: int | None = Field(default=None, primary_key=True)
    action: str
    member_id: int | None = None
    other_member_id: int | None = None
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    by: str | None = None
    at: datetime = Field(sa_type=UTCDateTime)
    undone_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class IdentityRow(SQLModel, table=True):
    __tablename__ = "identity"
    __table_args__ = (UniqueConstraint("kind", "value", name="uq_identity_kind_value"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id", index=True)
    kind: str
    value: str


class OrganisationRow(SQLModel, table=True):
    __tablename__ = "organisation"

    id: int | None = Field(default=None, primary_key=True)
    slug: str = Field(unique=True)
    name: str
    domains: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    country: str | None = None
    employees: int | None = None
    partner: bool = False
    staff: bool = False
    contacts: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    from_config: bool = True
    profile: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class AffiliationRow(SQLModel, table=True):
    __tablename__ = "affiliation"
    __table_args__ = (Index("ix_affiliation_member_start", "member_id", "start"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    organisation: str = Field(foreign_key="organisation.slug")
    source: str
    start: date | None = None
    end: date | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)
    created_by: str | None = None


class CreditRow(SQLModel, table=True):
    __tablename__ = "credit"
    __table_args__ = (
        UniqueConstraint("source", "source_ref", name="uq_credit_source_ref"),
        Index("ix_credit_member_occurred", "member_id", "occurred_at"),
        # every query through it names an organisation: independent credits stay out
        Index(
            "ix_credit_org_occurred",
            "organisation",
            "occurred_at",
            sqlite_where=text("organisation IS NOT NULL"),
            postgresql_where=text("organisation IS NOT NULL"),
        ),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    type: str
    points: int
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    source: str
    source_ref: str
    explicit_organisation: str | None = None
    organisation: str | None = None
    granted_by: str | None = None
    note: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    withdrawn_by: str | None = None
    withdrawn_reason: str | None = None
    counterpart: str | None = None  # an accepted solution's asker (for the per-pair cap)


class ActivityRow(SQLModel, table=True):
    """A daily roll-up of what a member did that is not a credit."""

    __tablename__ = "activity"
    __table_args__ = (
        UniqueConstraint("member_id", "day", "kind", name="uq_activity_member_day_kind"),
        Index("ix_activity_day", "day"),
    )

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    day: date
    kind: str
    count: int = 1
    last_at: datetime = Field(sa_type=UTCDateTime)


class SuggestionRow(SQLModel, table=True):
    """An "is this a contribution?" question about one message."""

    __tablename__ = "suggestion"
    __table_args__ = (UniqueConstraint("channel", "message_ts", name="uq_suggestion_message"),)

    id: int | None = Field(default=None, primary_key=True)
    channel: str
    message_ts: str
    author_member_id: int = Field(foreign_key="member.id")
    author_ref: str
    suggested_by: str | None = None
    reason: str = Field(default="", sa_type=Text)
    snippet: str = Field(default="", sa_type=Text)
    permalink: str | None = None
    suggested_type: str
    occurred_at: datetime = Field(sa_type=UTCDateTime)
    status: str = "open"
    decided_by: str | None = None
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    decided_type: str | None = None
    credit_id: int | None = Field(default=None, foreign_key="credit.id")
    question_channel: str | None = None
    question_ts: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)


class InboxRow(SQLModel, table=True):
    """Every event received, keyed so that a redelivery is recognised."""

    __tablename__ = "inbox"
    __table_args__ = (
        UniqueConstraint("source", "key", name="uq_inbox_source_key"),
        Index("ix_inbox_status_next", "status", "next_attempt_at"),
    )

    id: int | None = Field(default=None, primary_key=True)
    source: str
    key: str
    kind: str
    payload: str = Field(default="", sa_type=Text)
    status: str = "pending"
    attempts: int = 0
    last_error: str | None = Field(default=None, sa_type=Text)
    received_at: datetime = Field(sa_type=UTCDateTime)
    next_attempt_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    processed_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class OutboxRow(SQLModel, table=True):
    """A message the bot will send, written with the change that caused it."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_status_next", "status", "next_attempt_at"),)

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(unique=True)
    channel: str
    kind: str
    target: str
    payload: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    status: str = "pending"
    attempts: int = 0
    next_attempt_at: datetime = Field(sa_type=UTCDateTime)
    last_error: str | None = Field(default=None, sa_type=Text)
    sent_ref: str | None = None
    claimed_by: str | None = None
    claimed_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    created_at: datetime = Field(sa_type=UTCDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=UTCDateTime)


class JobRunRow(SQLModel, table=True):
    __tablename__ = "job_run"
    __table_args__ = (UniqueConstraint("job", "period", name="uq_job_run_job_period"),)

    id: int | None = Field(default=None, primary_key=True)
    job: str
    period: str
    status: str = "running"
    claimed_by: str | None = None
    lease_until: datetime | None = Field(default=None, sa_type=UTCDateTime)
    started_at: datetime = Field(sa_type=UTCDateTime)
    finished_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    error: str | None = Field(default=None, sa_type=Text)


class PublishedReportRow(SQLModel, table=True):
    __tablename__ = "published_report"

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(unique=True)
    published_at: datetime = Field(sa_type=UTCDateTime)
    content: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))


class ReportNoteRow(SQLModel, table=True):
    __tablename__ = "report_note"

    id: int | None = Field(default=None, primary_key=True)
    month: str = Field(unique=True)
    text: str = Field(sa_type=Text)
    author: str | None = None
    updated_at: datetime = Field(sa_type=UTCDateTime)


class StandingStepRow(SQLModel, table=True):
    __tablename__ = "standing_step"
    __table_args__ = (UniqueConstraint("organisation", "month", name="uq_standing_org_month"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug")
    month: str
    good_standing: bool
    level: int
    reasons: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    details: dict[str, Any] = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    referrals_paused: bool = False
    listed: bool = True
    evaluated_at: datetime = Field(sa_type=UTCDateTime)


class PaymentRow(SQLModel, table=True):
    __tablename__ = "payment"
    __table_args__ = (UniqueConstraint("source", "source_ref", name="uq_payment_source_ref"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    paid_on: date
    amount_cents: int
    currency: str
    amount_usd_cents: int
    source: str
    source_ref: str
    note: str = Field(default="", sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    months: int = 1  # the months covered from the month paid, the amount spread evenly


class StandingDecisionRow(SQLModel, table=True):
    """A programme manager's waive or reset of a partner's standing (the audit trail)."""

    __tablename__ = "standing_decision"

    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug", index=True)
    month: str
    kind: str  # "waive" or "reset"
    reason: str = Field(sa_type=Text)
    decided_at: datetime = Field(sa_type=UTCDateTime)


class PartnerTierRow(SQLModel, table=True):
    """A partner's tier as decided at one half-yearly review (``YYYY-H1`` / ``YYYY-H2``)."""

    __tablename__ = "partner_tier"
    __table_args__ = (UniqueConstraint("organisation", "period", name="uq_partner_tier_period"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug")
    period: str
    tier: str | None = None
    badges: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    reviewed_at: datetime = Field(sa_type=UTCDateTime)


class ConductRecordRow(SQLModel, table=True):
    """Private: never shown publicly, never logged beyond its id."""

    __tablename__ = "conduct_record"

    id: int | None = Field(default=None, primary_key=True)
    organisation: str | None = Field(default=None, foreign_key="organisation.slug")
    member_id: int | None = Field(default=None, foreign_key="member.id")
    occurred_on: date
    note: str = Field(sa_type=Text)
    recorded_by: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime)


class NudgeRow(SQLModel, table=True):
    __tablename__ = "nudge"
    __table_args__ = (Index("ix_nudge_member_sent", "member_id", "sent_at"),)

    id: int | None = Field(default=None, primary_key=True)
    member_id: int = Field(foreign_key="member.id")
    kind: str
    sent_at: datetime = Field(sa_type=UTCDateTime)


class LeadRow(SQLModel, table=True):
    """A referral given to a partner (private; the public sees counts per quarter only)."""

    __tablename__ = "lead"
    __table_args__ = (Index("ix_lead_org_created", "organisation", "created_at"),)

    id: int | None = Field(default=None, primary_key=True)
    organisation: str = Field(foreign_key="organisation.slug")
    region: str
    category: str
    size: str | None = None
    note: str = Field(default="", sa_type=Text)
    reason: str = Field(default="", sa_type=Text)
    created_by: str | None = None
    created_at: datetime = Field(sa_type=UTCDateTime, index=True)


class DcNominationRow(SQLModel, table=True):
    """A Distinguished Contributor nomination: one nominee, one track, one cycle (year)."""

    __tablename__ = "dc_nomination"
    __table_args__ = (
        UniqueConstraint("cycle", "track", "nominee_key", name="uq_dc_nomination_nominee"),
        Index("ix_dc_nomination_cycle_status", "cycle", "status"),
    )

    id: int | None = Field(default=None, primary_key=True)
    cycle: int
    track: str
    nominee_member_id: int | None = Field(default=None, foreign_key="member.id")
    nominee_org: str | None = None
    nominee_key: str
    nominator: str
    justification: str = Field(sa_type=Text)
    links: str = Field(default="[]", sa_type=Text)
    evidence: str = Field(default="{}", sa_type=Text)
    created_at: datetime = Field(sa_type=UTCDateTime)
    status: str = "open"
    decided_at: datetime | None = Field(default=None, sa_type=UTCDateTime)
    tally: str | None = Field(default=None, sa_type=Text)
    review_channel: str | None = None
    review_ts: str | None = None


class DcVoteRow(SQLModel, table=True):
    """A panel member's vote on a nomination (private: only counts are ever shown)."""

    __tablename__ = "dc_vote"
    __table_args__ = (UniqueConstraint("nomination_id", "voter", name="uq_dc_vote_voter"),)

    id: int | None = Field(default=None, primary_key=True)
    nomination_id: int = Field(foreign_key="dc_nomination.id")
    voter: str
    vote: str
    created_at: datetime = Field(sa_type=UTCDateTime)
    updated_at: datetime = Field(sa_type=UTCDateTime)


class DcMembershipRow(SQLModel, table=True):
    """A Distinguished Contributor's term in one track (renewed in place, never deleted)."""

    __tablename__ = "dc_membership"
    __table_args__ = (
        UniqueConstraint("nominee_key", "track", name="uq_dc_membership_nominee_track"),
    )

    id: int | None = Field(default=None, primary_key=True)
    nominee_key: str
    member_id: int | None = Field(default=None, foreign_key="member.id")
    org: str | None = None
    track: str
    nomination_id: int | None = Field(default=None, foreign_key="dc_nomination.id")
    started: date
    ends: date | None = None
    status: str = "active"
    first_started: date
    renewed_count: int = 0
    reminded_for: date | None = None


class DcBadgeRow(SQLModel, table=True):
    """The Discourse badge created for a track (created once, then only granted)."""

    __tablename__ = "dc_badge"

    track: str = Field(primary_key=True)
    discourse_badge_id: int


def columns(model: type[SQLModel]) -> ReadOnlyColumnCollection[str, Column[Any]]:
    """The typed Core columns of a table model, for queries (``columns(CreditRow).points``)."""
    return cast(Table, model.__table__).c  # type: ignore[attr-defined]


def table(model: type[SQLModel]) -> Table:
    """The Core table of a table model, for bulk statements."""
    return cast(Table, model.__table__)  # type: ignore[attr-defined]


class ThanksTriggerRow(SQLModel, table=True):
    """Which detection rule and phrase raised a thank-you question (``thanks stats``)."""

    __tablename__ = "thanks_trigger"

    suggestion_id: int = Field(primary_key=True, foreign_key="suggestion.id")
    rule: str
    phrase: str
    others: str = ""
    """Other people thanked with the helper, space-separated, each as ``<Slack id>:<ts>``
    (the ts of their message in the thread; the id alone when none): a lead may pick one."""


class MemberMonthRow(SQLModel, table=True):
    """Maintained: a member's live credits in one month, per organisation they counted for.

    ``organisation`` is ``""`` for independent credits. Kept equal to the ledger in the
    transaction of every credit write (``storage.repositories.rollups``).
    """

    __tablename__ = "rollup_member_month"
    __table_args__ = (
        Index("ix_rollup_member_month_org", "month", "organisation"),
        Index("ix_rollup_member_month_member", "member_id", "month"),
    )

    month: str = Field(primary_key=True)
    member_id: int = Field(primary_key=True)
    organisation: str = Field(primary_key=True)
    points: int
    credits: int
    last_at: datetime = Field(sa_type=UTCDateTime)


class OrganisationMonthRow(SQLModel, table=True):
    """Maintained: an organisation's live points and credits in one month (``""``: independent)."""

    __tablename__ = "rollup_org_month"

    month: str = Field(primary_key=True)
    organisation: str = Field(primary_key=True)
    points: int
    credits: int
    contributors: int


class PublicStateRow(SQLModel, table=True):
    """One row: the public pages' version (bumped by every write that changes one) and
    the timezone the rollups' months are in."""

    __tablename__ = "public_state"

    id: int = Field(default=1, primary_key=True)
    version: int = 0
    rollup_timezone: str | None = None
